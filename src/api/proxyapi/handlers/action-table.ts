// A reqtype whose operations are chosen by `action=` (or `subreqtype=`) through a typed table,
// so each operation declares whether it writes and an unknown one is named with the choices.
import { PbxError } from '../../../shared/index.ts';
import type { Need, ReqtypeHandler, RequestContext } from '../handler.ts';
import type { Reply } from '../reply.ts';

export interface Operation {
  readonly writes: boolean;
  handle(ctx: RequestContext): Promise<Reply>;
}

export interface ActionTable {
  readonly reqtype: string;
  readonly syntax: string;
  /** `action` for most reqtypes, `subreqtype` for PHONEBOOK(S). */
  readonly discriminator: 'action' | 'subreqtype';
  /** The operation when the discriminator is absent (PHONEBOOKS lists). */
  readonly fallback?: string;
  readonly tenant: Need<'required' | 'optional'>;
  readonly adminOnly: boolean;
  readonly operations: Readonly<Record<string, Operation>>;
}

export function actionHandler(table: ActionTable): ReqtypeHandler {
  const choose = (word: string | undefined): Operation | undefined => {
    const name = word ?? table.fallback;
    return name !== undefined && Object.hasOwn(table.operations, name) ? table.operations[name] : undefined;
  };
  return {
    syntax: table.syntax,
    tenant: table.tenant,
    adminOnly: table.adminOnly,
    // An unknown operation is refused by handle() with its name, whatever the key.
    writes: (p) => choose(p.word(table.discriminator))?.writes ?? false,
    async handle(ctx) {
      const word = ctx.params.word(table.discriminator);
      if (word === undefined && table.fallback === undefined) throw new PbxError('missing_parameter', `No ${table.discriminator} specified`);
      const operation = choose(word);
      if (!operation) {
        throw new PbxError('unknown_action', `Unknown ${table.discriminator} ${word} for ${table.reqtype}: expected one of ${Object.keys(table.operations).join(', ')}`);
      }
      return operation.handle(ctx);
    },
  };
}
