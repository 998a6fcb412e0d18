import { createRequire } from 'node:module';

/**
 * The ISO 3166 reference (i18n-iso-countries), with English names only. The package's main entry
 * registers all of its ~80 languages' names, 1.6 MB of heap held for good in the server and in every
 * validation thread; Roster only ever reads English names (row fixes) and the codes.
 */
const require = createRequire(import.meta.url);
export const countries: typeof import('i18n-iso-countries') = require('i18n-iso-countries/index.js');
countries.registerLocale(require('i18n-iso-countries/langs/en.json'));
