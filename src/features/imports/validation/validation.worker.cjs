// Worker threads start without the parent's TypeScript loader. tsx's require hook compiles in this
// thread (its ESM loader would start one more thread per worker just to load modules).
require('tsx/cjs/api').register();
require('./validation.worker.ts');
