// proxyapi.php's view of the error funnel (../error-answers.ts holds the one table of every edge's answers):
// MiRTA's bad-key text, what a client is shown, and the HTTP status, 200 but where a client must act.
export { BAD_KEY_TEXT, publicError, mirtaStatusOf as statusOf } from '../error-answers.ts';
