import type { Feature } from '../feature.ts';

export const usersFeature: Feature = {
  name: 'users',
};
