// The import arrows of DESIGN.md / README "Architecture", enforced: api → (lib, db); activities → (lib, db);
// workers → (workflows, activities, lib, db); db → lib; lib → lib only; workflows → @temporalio/workflow and
// type-only imports (rules in eslint.config.mjs). A workflow's functions and signals are imported by value only by
// its starter module in lib/starters/ (bench/per-fan/ for the bench's own workflow) and by tests.
const layers = (message, names, allowTypeImports = false) => ({
  regex: `^(\\.\\.?/)+(.*/)?(${names.join('|')})(/.*)?$`,
  allowTypeImports,
  message,
});
const workflowsTypeOnly = layers(
  'Only the starter modules in lib/starters/ import workflows/ by value; import types only.',
  ['workflows'],
  true,
);
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export const boundaries = [
  {
    files: ['api/**/*.ts'],
    rules: restrict(
      layers('api/ reaches providers through lib/providers and workflows through lib/starters.', [
        'activities',
        'workers',
      ]),
      workflowsTypeOnly,
    ),
  },
  {
    files: ['activities/**/*.ts'],
    rules: restrict(layers('activities/ may not import api/ or workers/.', ['api', 'workers']), workflowsTypeOnly),
  },
  {
    files: ['db/**/*.ts'],
    rules: restrict(layers('db/ imports only lib/ and db/.', ['api', 'activities', 'workers', 'workflows'])),
  },
  {
    files: ['lib/**/*.ts'],
    ignores: ['lib/starters/**'],
    rules: restrict(
      layers('lib/ imports nothing of ours but lib/.', ['api', 'activities', 'workers', 'db', 'workflows']),
    ),
  },
  {
    files: ['lib/starters/**/*.ts'],
    rules: restrict(
      layers('A starter module imports its workflow and lib/ only.', ['api', 'activities', 'workers', 'db']),
    ),
  },
  {
    files: ['scripts/**/*.ts', 'workers/**/*.ts', 'bench/**/*.ts'],
    ignores: ['bench/per-fan/**'],
    rules: restrict(workflowsTypeOnly),
  },
];
