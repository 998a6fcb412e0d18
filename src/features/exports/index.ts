import type { Feature } from '../feature.ts';

export const exportsFeature: Feature = {
  name: 'exports',
};
