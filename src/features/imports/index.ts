import type { Feature } from '../feature.ts';

export const importsFeature: Feature = {
  name: 'imports',
};
