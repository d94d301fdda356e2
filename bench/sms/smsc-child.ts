// The SMS benchmark's SMSC, in its own process so its work does not share an event loop with the side measured: the
// test SMSC of src/pbx/messaging/sms (own PDU coding; hex ids in submit_sm_resp, decimal ids in the receipts).
// Prints `port N` once listening; exits when its stdin closes (the bench ended).
import { TestSmsc } from '../../src/pbx/messaging/sms/test-smsc.test-support.ts';

const smsc = new TestSmsc({ systemId: 'bench', password: 'bench' });
const port = await smsc.listen();
process.stdout.write(`port ${port}\n`);
process.stdin.resume();
process.stdin.on('end', () => void smsc.close().then(() => process.exit(0)));
