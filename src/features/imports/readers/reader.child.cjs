// The reader process starts without the parent's TypeScript loader: from the sources, tsx's require
// hook compiles it (compiled into dist/, reader.child.js runs as it is).
require('tsx/cjs/api').register();
require('./reader.child.ts');
