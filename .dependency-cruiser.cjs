// Layer rules of docs/architecture.md, enforced on every `npm test`.
/** @type {import('dependency-cruiser').IConfiguration} */
const layer = (name, from, forbidden, comment) => ({
  name,
  severity: 'error',
  comment,
  from: { path: from, pathNot: '\\.test\\.ts$' },
  to: { path: forbidden },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Modules form a tree, not a knot.', from: {}, to: { circular: true } },
    layer('shared-imports-nothing', '^src/shared/', '^src/(?!shared/)', 'shared/ is the kernel: it imports nothing from src.'),
    layer('domain-imports-shared-only', '^src/domain/', '^src/(?!(domain|shared)/)', 'domain/ is pure PBX vocabulary.'),
    layer('sip-and-media-import-shared-only', '^src/(sip|media)/', '^src/(?!(sip|media|shared)/)', 'sip/ and media/ know nothing of the PBX.'),
    layer('sip-media-separate', '^src/sip/', '^src/media/', 'sip/ and media/ do not know each other.'),
    layer('media-sip-separate', '^src/media/', '^src/sip/', 'sip/ and media/ do not know each other.'),
    layer('mail-imports-shared-only', '^src/mail/', '^src/(?!(mail|shared)/)', 'mail/ sends e-mail and knows nothing of the PBX.'),
    layer('nodemailer-in-mail', '^src/(?!mail/)', 'node_modules/nodemailer/', 'The mail library stays in mail/.'),
    layer('store-below-services', '^src/store/', '^src/(?!(store|domain|shared)/)', 'store/ imports domain and shared only.'),
    layer('pbx-below-services', '^src/pbx/', '^src/(services|api|cluster|cli|main\\.ts|config\\.ts)', 'pbx/ declares ports; it never imports services, api or cluster.'),
    layer('services-no-http', '^src/services/', '^src/(api|cli|main\\.ts)', 'services/ carry no HTTP types.'),
    layer('api-not-store-sip-media', '^src/api/', '^src/(store|sip|media|pbx|cluster|cli|main\\.ts)', 'api/ goes through services only.'),
    layer('cluster-below-services', '^src/cluster/', '^src/(services|api|cli)/', 'cluster/ sits beside pbx.'),
    layer('cli-through-main', '^src/cli/', '^src/(store|sip|media|pbx|api|services|cluster)/', 'cli/ reaches the system through main.ts only.'),
    layer('drivers-in-store', '^src/(?!store/)', 'node_modules/(kysely|pg|better-sqlite3)/', 'Kysely and the database drivers appear nowhere outside store/.'),
    layer('hono-in-api', '^src/(?!api/|main\\.ts)', 'node_modules/(hono|@hono)/', 'The HTTP framework stays in api/ (and the composition root).'),
    {
      name: 'through-index',
      severity: 'error',
      comment: "A module is entered through its index.ts, never by reaching into another module's files.",
      from: { path: '^src/([^/]+)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/([^/]+)/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    { name: 'no-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
