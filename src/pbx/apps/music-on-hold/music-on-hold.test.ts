// Music-on-hold classes from a real SQLite store and played by a real relay: the default class, a class by id, an
// extension's class, random order and volume; which class a held party hears (the call's MUSICONHOLD choice, the
// holding extension's, the tenant's default); a class opened once; the MUSICONHOLD-<id> step.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MediaRelay, type SourceRequest } from '../../../media/index.ts';
import { toneWav } from '../../../services/recordings/recording.test-support.ts';
import { FakeClock, silentLogger } from '../../../shared/index.ts';
import { openStore, type Store } from '../../../store/index.ts';
import { MusicOnHold, type CallHandle } from '../../calls/index.ts';
import { StoreRoutingDirectory } from '../../dialplan/index.ts';
import { MusicOnHoldStep } from './music-on-hold-step.ts';
import { StoreMohDirectory } from './store-moh-directory.ts';

let dir: string;
let store: Store;
let relay: MediaRelay;
let directory: StoreMohDirectory;
let acme: number;
let globex: number;
const classes: Record<string, number> = {};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callgrid-moh-'));
  store = openStore('sqlite::memory:');
  await store.migrate();
  acme = (await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-01-01 00:00:00')).te_id;
  globex = (await store.tenants.create({ te_code: 'GLOBEX', te_name: 'Globex' }, '2026-01-01 00:00:00')).te_id;
  for (const id of [1, 2, 3, 4]) await writeFile(join(dir, `${id}.wav`), toneWav(0.1));
  const moh = store.objects('musiconhold');
  classes.jazz = Number((await moh.insert(acme, { mu_name: 'jazz' })).mu_id);
  classes.main = Number((await moh.insert(acme, { mu_name: 'main', mu_default: 'on' })).mu_id);
  classes.loud = Number((await moh.insert(acme, { mu_name: 'loud', mu_randomizeorder: 'on', mu_volume: 2 })).mu_id);
  classes.other = Number((await moh.insert(globex, { mu_name: 'theirs' })).mu_id);
  const slot = (owner: number, media: number, ord: number) => ({ de_type_src: 'MUSICONHOLD', de_type_id_src: owner, de_type_dst: 'PLAYBACK', de_type_id_dst: media, de_ord: ord });
  await store.objects('destination').insertMany(acme, [slot(classes.jazz, 1, 1), slot(classes.main, 2, 1), slot(classes.loud, 3, 1), slot(classes.loud, 4, 2)]);
  await store.objects('destination').insertMany(globex, [slot(classes.other, 1, 1)]);
  await store.objects('extension').insert(acme, { ex_number: '101', ex_username: '101-ACME', ex_tech: 'PJSIP', ex_mu_id: classes.jazz });
  // Media files as the media service gives them: a path per id (each tenant sees only its own in real life).
  const media = { audioPath: async (_tenant: number, id: number) => (id >= 1 && id <= 4 ? join(dir, `${id}.wav`) : undefined) };
  directory = new StoreMohDirectory(store, new StoreRoutingDirectory(store), media, join(dir, 'cache'));
  const portMin = 40_000 + 2 * Math.floor(Math.random() * 5_000);
  relay = MediaRelay.create({ host: '127.0.0.1', portMin, portMax: portMin + 3, clock: new FakeClock(), logger: silentLogger });
});

after(async () => {
  relay.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

test('the store gives the default class, a class by id with its order and volume, an extension\'s class; never another tenant\'s', async () => {
  assert.deepEqual(await directory.defaultClass(acme), { id: classes.main, paths: [join(dir, '2.wav')], random: false });
  const loud = await directory.classById(acme, classes.loud ?? 0);
  assert.equal(loud?.random, true);
  assert.equal(loud?.paths.length, 2);
  const [copy] = loud?.paths ?? [];
  assert.ok(copy !== undefined && copy.startsWith(join(dir, 'cache')), 'played at its volume from a scaled copy');
  assert.equal((await readFile(copy)).readInt16LE(46), (await readFile(join(dir, '3.wav'))).readInt16LE(46) * 2);
  assert.equal(await directory.classById(acme, classes.other ?? 0), undefined, "GLOBEX's class is not ACME's");
  assert.equal(await directory.extensionClassId(acme, '101-ACME'), classes.jazz);
  assert.equal(await directory.extensionClassId(globex, '101-ACME'), undefined);
});

test("a held party hears the call's class, else the holding extension's, else the default; each class is opened once", async () => {
  const opened: Array<[string, SourceRequest]> = [];
  const spy = { openSource: (name: string, request: SourceRequest) => (opened.push([name, request]), relay.openSource(name, request)) };
  const moh = new MusicOnHold(spy, directory, new FakeClock(), silentLogger, () => 0);
  assert.equal(await moh.sourceFor(acme), `moh-${acme}-${classes.main}`);
  assert.equal(await moh.sourceFor(acme, { holder: '101-ACME' }), `moh-${acme}-${classes.jazz}`);
  assert.equal(await moh.sourceFor(acme, { classId: classes.loud, holder: '101-ACME' }), `moh-${acme}-${classes.loud}`);
  assert.equal(await moh.sourceFor(acme, { classId: classes.other, holder: '102-ACME' }), `moh-${acme}-${classes.main}`, "another tenant's class id falls back to the default");
  assert.equal(await moh.sourceFor(globex), `moh-${globex}-${classes.other}`);
  await moh.sourceFor(acme, { holder: '101-ACME' });
  assert.equal(opened.length, 4, 'no class opened twice');
  const loud = opened.find(([name]) => name === `moh-${acme}-${classes.loud}`)?.[1];
  // With random() = 0 the shuffle moves the first file last: the order is not the stored one.
  assert.deepEqual(loud?.items.map((item) => (item.kind === 'file' ? item.path.endsWith('.wav') : false)), [true, true]);
  const stored = (await directory.classById(acme, classes.loud ?? 0))?.paths;
  assert.deepEqual(loud?.items.map((item) => (item.kind === 'file' ? item.path : '')), [stored?.[1], stored?.[0]]);
});

test('MUSICONHOLD-<id> chooses the class for the call and goes on; a class of another tenant changes nothing', async () => {
  const chosen: number[] = [];
  const call = { tenantId: acme, linkedId: 'n-1.1', useMusicOnHold: (id: number) => chosen.push(id) } as unknown as CallHandle;
  const step = new MusicOnHoldStep({ classes: directory, logger: silentLogger });
  assert.deepEqual(await step.run(call, { tag: 'MUSICONHOLD', id: classes.jazz ?? 0 }), { kind: 'continue' });
  assert.deepEqual(await step.run(call, { tag: 'MUSICONHOLD', id: classes.other ?? 0 }), { kind: 'continue' });
  assert.deepEqual(chosen, [classes.jazz]);
});
