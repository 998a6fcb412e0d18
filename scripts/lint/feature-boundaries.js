// The feature-boundary rule (docs/architecture.md#feature-boundaries), as an ESLint rule.
// It resolves each relative import against the importing file, so `../auth/auth.hooks.ts` and
// `../../auth/auth.hooks.ts` are the same file whatever the folder depth (ESLint's no-restricted-imports
// matches the written text only, and would need one pattern per feature per depth).
import path from 'node:path';
import { sourceFileOf } from './import-cycles.js';

const layersBelowFeatures = ['platform', 'shared', 'http', 'config'];

/** The feature a file belongs to (src/features/<name>/…), or null. */
function featureOf(srcRoot, file) {
  const parts = path.relative(srcRoot, file).split(path.sep);
  return parts[0] === 'features' && parts.length > 2 ? parts[1] : null;
}

/** Where other code may enter a feature: its index.ts, or a narrower `*.public.ts` module beside it. */
function isDoor(srcRoot, feature, target) {
  const folder = path.join(srcRoot, 'features', feature);
  return path.dirname(target) === folder && (path.basename(target) === 'index.ts' || target.endsWith('.public.ts'));
}

export const featureBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Features use each other only through index.ts (or a *.public.ts module); platform, shared, http and config use no feature' },
    schema: [{ type: 'object', properties: { srcRoot: { type: 'string' } }, additionalProperties: false }],
    messages: {
      internal: "'{{spec}}' reaches into the {{target}} feature's internals; import from {{index}} (or one of its *.public.ts modules) and export what you need there (docs/architecture.md#feature-boundaries)",
      lowerLayer: "src/{{layer}}/ must not import a feature ('{{spec}}'): features build on it, not the other way round (docs/architecture.md#feature-boundaries)",
    },
  },
  create(context) {
    const srcRoot = path.resolve(context.options[0]?.srcRoot ?? 'src');
    const file = path.resolve(context.filename);
    const fromParts = path.relative(srcRoot, file).split(path.sep);
    if (fromParts[0] === '..') return {};
    const fromFeature = featureOf(srcRoot, file);
    const fromLayer = layersBelowFeatures.includes(fromParts[0]) ? fromParts[0] : null;

    function check(node, source) {
      const spec = source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = sourceFileOf(path.resolve(path.dirname(file), spec));
      const targetParts = path.relative(srcRoot, target).split(path.sep);
      if (targetParts[0] !== 'features') return;
      if (fromLayer) {
        context.report({ node: source, messageId: 'lowerLayer', data: { layer: fromLayer, spec } });
        return;
      }
      const targetFeature = featureOf(srcRoot, target);
      if (!fromFeature || !targetFeature || targetFeature === fromFeature) return;
      if (isDoor(srcRoot, targetFeature, target)) return;
      const index = path.relative(path.dirname(file), path.join(srcRoot, 'features', targetFeature, 'index.ts'));
      context.report({ node: source, messageId: 'internal', data: { spec, target: targetFeature, index } });
    }

    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source : null),
    };
  },
};
