// HubSoft's success envelope, `{"status":"success","msg":"Dados consultados com sucesso",…}`:
// integrations written against the vendor check these two fields, so every answer of the
// service and of the simulator opens with exactly them.

export const SUCCESS_MSG = 'Dados consultados com sucesso'

export const SUCCESS_ENVELOPE = { status: 'success', msg: SUCCESS_MSG } as const

/** The envelope as written byte by byte, up to the opening of its client list. */
export const CLIENTES_ENVELOPE_HEAD = `${JSON.stringify(SUCCESS_ENVELOPE).slice(0, -1)},"clientes":[`
