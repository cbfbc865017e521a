import type { FastifyReply, FastifyRequest } from 'fastify';
import { asRecipients, type Transport } from './actions.js';
import {
  DEFAULT_PAGE,
  isRecord,
  MAX_PAGE,
  nextLink,
  params,
  query,
  resolveTarget,
  sendJson,
  str,
  viewOptions,
  type Emulation,
  type EmulatorApp,
} from './context.js';
import {
  attachmentJson,
  badRequest,
  folderJson,
  matchesMessageFilter,
  messageJson,
  parseMessageFilter,
  parseOrderBy,
  sortMessages,
} from './odata.js';
import { setExtendedProperties, type Folder, type Mailbox, type StoredMessage } from './store.js';

const EXTENDED_PROPERTY_ID =
  /^(String|Integer|Boolean|SystemTime|Binary|Long|Double|Guid)\s+\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}\s+(Name\s+\S.*|Id\s+0x[0-9a-f]{1,4})$/i;

/** Users, mail folders and messages with their actions (move, copy, forward, createForward, send). */
export function registerMailRoutes(app: EmulatorApp, em: Emulation, transport: Transport): void {
  const { store } = em;
  const listCache = new Map<string, { seq: number; messages: StoredMessage[] }>();

  const userJson = (m: Mailbox): Record<string, unknown> => ({
    id: m.id,
    displayName: m.displayName,
    mail: m.address,
    userPrincipalName: m.address,
    businessPhones: [],
    givenName: null,
    surname: null,
    jobTitle: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'da-DK',
  });

  app.get('/v1.0/users', async (_req, reply) =>
    sendJson(reply, 200, {
      '@odata.context': `${em.graphUrl}/$metadata#users`,
      value: [...store.mailboxes.values()].map(userJson),
    }),
  );
  app.get('/v1.0/users/:user', async (req, reply) => {
    const mailbox = store.mailbox(params(req).user);
    return sendJson(reply, 200, {
      '@odata.context': `${em.graphUrl}/$metadata#users/$entity`,
      ...userJson(mailbox),
    });
  });

  const folderList = (
    req: FastifyRequest,
    reply: FastifyReply,
    mailbox: Mailbox,
    parent: Folder,
  ): FastifyReply => {
    const all = [...mailbox.folders.values()];
    const children = store.childFolders(mailbox, parent.id);
    const q = query(req);
    const top = Math.min(Number(q['$top'] ?? DEFAULT_PAGE) || DEFAULT_PAGE, MAX_PAGE);
    const skip = Number(q['$skip'] ?? 0) || 0;
    const page = children.slice(skip, skip + top);
    const body: Record<string, unknown> = {
      '@odata.context': `${em.graphUrl}/$metadata#users('${mailbox.address}')/mailFolders`,
      value: page.map((f) => folderJson(mailbox, f, all)),
    };
    if (skip + top < children.length)
      body['@odata.nextLink'] = nextLink(em, req, { $skip: String(skip + top) });
    return sendJson(reply, 200, body);
  };

  const createFolderRoute = (
    req: FastifyRequest,
    reply: FastifyReply,
    mailbox: Mailbox,
    parent: Folder,
  ): FastifyReply => {
    const body = isRecord(req.body) ? req.body : {};
    const displayName = str(body['displayName']);
    if (!displayName) throw badRequest('The displayName property is required.', 'ErrorInvalidParameter');
    const folder = store.createFolder(mailbox, displayName, parent.id);
    return sendJson(reply, 201, {
      '@odata.context': `${em.graphUrl}/$metadata#users('${mailbox.address}')/mailFolders/$entity`,
      ...folderJson(mailbox, folder, [...mailbox.folders.values()]),
    });
  };

  app.get('/v1.0/users/:user/mailFolders', async (req, reply) => {
    const mailbox = store.mailbox(params(req).user);
    return folderList(req, reply, mailbox, store.folder(mailbox, 'msgfolderroot'));
  });
  app.post('/v1.0/users/:user/mailFolders', async (req, reply) => {
    const mailbox = store.mailbox(params(req).user);
    return createFolderRoute(req, reply, mailbox, store.folder(mailbox, 'msgfolderroot'));
  });
  app.get('/v1.0/users/:user/mailFolders/:folder', async (req, reply) => {
    const mailbox = store.mailbox(params(req).user);
    const folder = store.folder(mailbox, params(req).folder ?? '');
    return sendJson(reply, 200, {
      '@odata.context': `${em.graphUrl}/$metadata#users('${mailbox.address}')/mailFolders/$entity`,
      ...folderJson(mailbox, folder, [...mailbox.folders.values()]),
    });
  });
  app.get('/v1.0/users/:user/mailFolders/:folder/childFolders', async (req, reply) => {
    const mailbox = store.mailbox(params(req).user);
    return folderList(req, reply, mailbox, store.folder(mailbox, params(req).folder ?? ''));
  });
  app.post('/v1.0/users/:user/mailFolders/:folder/childFolders', async (req, reply) => {
    const mailbox = store.mailbox(params(req).user);
    return createFolderRoute(req, reply, mailbox, store.folder(mailbox, params(req).folder ?? ''));
  });

  // ---- messages ------------------------------------------------------------------------------------

  const listMessagesRoute = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const { mailbox, folder } = resolveTarget(em, req);
    const q = query(req);
    const view = viewOptions(em, req, q);
    const filter = parseMessageFilter(q['$filter']);
    const order = parseOrderBy(q['$orderby']);
    const topRaw = q['$top'];
    const top = topRaw === undefined ? DEFAULT_PAGE : Number(topRaw);
    if (!Number.isInteger(top) || top < 1) throw badRequest(`Invalid $top value '${topRaw ?? ''}'.`);
    const pageSize = Math.min(top, MAX_PAGE);
    const skip = Number(q['$skip'] ?? 0);
    if (!Number.isInteger(skip) || skip < 0) throw badRequest(`Invalid $skip value '${q['$skip'] ?? ''}'.`);
    // Paging re-reads the same sorted list page after page; keep it until the mailbox changes.
    const cacheKey = `${mailbox.id}|${folder?.id ?? '*'}|${q['$filter'] ?? ''}|${order}`;
    let cached = listCache.get(cacheKey);
    if (!cached || cached.seq !== mailbox.seq) {
      cached = {
        seq: mailbox.seq,
        messages: sortMessages(
          store.messagesIn(mailbox, folder).filter((m) => matchesMessageFilter(m, filter)),
          order,
        ),
      };
      if (listCache.size >= 64) listCache.clear();
      listCache.set(cacheKey, cached);
    }
    const all = cached.messages;
    const page = all.slice(skip, skip + pageSize);
    const body: Record<string, unknown> = {
      '@odata.context': `${em.graphUrl}/$metadata#users('${encodeURIComponent(mailbox.address)}')/messages`,
      value: page.map((m) => messageJson(mailbox, m, view)),
    };
    if (skip + pageSize < all.length)
      body['@odata.nextLink'] = nextLink(em, req, { $skip: String(skip + pageSize) });
    return sendJson(reply, 200, body);
  };

  const getMessage = (req: FastifyRequest): { mailbox: Mailbox; message: StoredMessage } => {
    const { mailbox, folder } = resolveTarget(em, req);
    return { mailbox, message: store.message(mailbox, params(req).id ?? '', folder) };
  };

  const messageEntity = (
    req: FastifyRequest,
    mailbox: Mailbox,
    message: StoredMessage,
  ): Record<string, unknown> => ({
    '@odata.context': `${em.graphUrl}/$metadata#users('${encodeURIComponent(mailbox.address)}')/messages/$entity`,
    ...messageJson(mailbox, message, viewOptions(em, req, query(req))),
  });

  const DRAFT_ONLY = new Set([
    'subject',
    'body',
    'toRecipients',
    'ccRecipients',
    'bccRecipients',
    'replyTo',
    'from',
    'sender',
    'internetMessageId',
  ]);
  const PATCHABLE = new Set([
    ...DRAFT_ONLY,
    'categories',
    'singleValueExtendedProperties',
    'isRead',
    'importance',
    'flag',
    'inferenceClassification',
  ]);

  const patchMessage = (mailbox: Mailbox, message: StoredMessage, body: Record<string, unknown>): void => {
    for (const key of Object.keys(body)) {
      if (key.startsWith('@odata')) continue;
      if (!PATCHABLE.has(key)) {
        throw badRequest(
          `The property '${key}' does not exist on type 'microsoft.graph.message'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
          'RequestBodyRead',
        );
      }
      if (DRAFT_ONLY.has(key) && !message.isDraft) {
        throw badRequest(
          `The property '${key}' can only be updated on a draft message.`,
          'ErrorInvalidPropertyUpdateSentMessage',
        );
      }
    }
    const categories = body['categories'];
    if (
      categories !== undefined &&
      (!Array.isArray(categories) || !categories.every((c) => typeof c === 'string'))
    ) {
      throw badRequest("Invalid value for property 'categories'.", 'RequestBodyRead');
    }
    const properties = body['singleValueExtendedProperties'];
    const parsedProperties: { id: string; value: string }[] = [];
    if (properties !== undefined) {
      if (!Array.isArray(properties))
        throw badRequest("Invalid value for property 'singleValueExtendedProperties'.", 'RequestBodyRead');
      for (const p of properties) {
        const id = isRecord(p) ? str(p['id']) : undefined;
        const value = isRecord(p) ? str(p['value']) : undefined;
        if (id === undefined || value === undefined || !EXTENDED_PROPERTY_ID.test(id.trim())) {
          throw badRequest(
            `The extended property id '${id ?? ''}' is not valid.`,
            'ErrorInvalidExtendedPropertyValue',
          );
        }
        parsedProperties.push({ id: id.trim(), value });
      }
    }
    const recipientField = (key: string): StoredMessage['toRecipients'] | undefined => {
      if (body[key] === undefined) return undefined;
      const list = asRecipients(body[key]);
      if (!list) throw badRequest(`Invalid value for property '${key}'.`, 'RequestBodyRead');
      return list;
    };
    const to = recipientField('toRecipients');
    const cc = recipientField('ccRecipients');
    const bcc = recipientField('bccRecipients');
    const replyTo = recipientField('replyTo');
    store.update(mailbox, message, (m) => {
      if (Array.isArray(categories))
        m.categories = categories.filter((c): c is string => typeof c === 'string');
      if (parsedProperties.length > 0) setExtendedProperties(m, parsedProperties);
      if (typeof body['isRead'] === 'boolean') m.isRead = body['isRead'];
      const importance = body['importance'];
      if (importance === 'low' || importance === 'normal' || importance === 'high') m.importance = importance;
      if (typeof body['subject'] === 'string') m.subject = body['subject'];
      const newBody = body['body'];
      if (isRecord(newBody) && typeof newBody['content'] === 'string') {
        m.body = {
          contentType: newBody['contentType'] === 'html' ? 'html' : 'text',
          content: newBody['content'],
        };
      }
      if (to) m.toRecipients = to;
      if (cc) m.ccRecipients = cc;
      if (bcc) m.bccRecipients = bcc;
      if (replyTo) m.replyTo = replyTo;
      if (typeof body['internetMessageId'] === 'string') m.internetMessageId = body['internetMessageId'];
    });
  };

  const destination = (req: FastifyRequest, mailbox: Mailbox): Folder => {
    const body = isRecord(req.body) ? req.body : {};
    const destinationId = str(body['destinationId']);
    if (!destinationId)
      throw badRequest("The 'destinationId' parameter is required.", 'ErrorInvalidParameter');
    return store.folder(mailbox, destinationId);
  };

  for (const prefix of ['/v1.0/users/:user/messages', '/v1.0/users/:user/mailFolders/:folder/messages']) {
    app.get(prefix, listMessagesRoute);
    app.get(`${prefix}/:id`, async (req, reply) => {
      const { mailbox, message } = getMessage(req);
      return sendJson(reply, 200, messageEntity(req, mailbox, message));
    });
    app.patch(`${prefix}/:id`, async (req, reply) => {
      const { mailbox, message } = getMessage(req);
      if (!isRecord(req.body)) throw badRequest('Empty Payload. JSON content expected.', 'RequestBodyRead');
      patchMessage(mailbox, message, req.body);
      return sendJson(reply, 200, messageEntity(req, mailbox, message));
    });
    app.delete(`${prefix}/:id`, async (req, reply) => {
      const { mailbox, message } = getMessage(req);
      store.remove(mailbox, message);
      return reply.code(204).send();
    });
    app.get(`${prefix}/:id/attachments`, async (req, reply) => {
      const { mailbox, message } = getMessage(req);
      return sendJson(reply, 200, {
        '@odata.context': `${em.graphUrl}/$metadata#users('${encodeURIComponent(mailbox.address)}')/messages('${message.id}')/attachments`,
        value: message.attachments.map(attachmentJson),
      });
    });
    app.post(`${prefix}/:id/:action`, async (req, reply) => {
      const { mailbox, message } = getMessage(req);
      const body = isRecord(req.body) ? req.body : {};
      const action = (params(req).action ?? '').toLowerCase();
      switch (action) {
        case 'move':
          return sendJson(
            reply,
            201,
            messageEntity(req, mailbox, store.move(mailbox, message, destination(req, mailbox))),
          );
        case 'copy':
          return sendJson(
            reply,
            201,
            messageEntity(req, mailbox, store.copy(mailbox, message, destination(req, mailbox))),
          );
        case 'forward': {
          const to = asRecipients(body['toRecipients']);
          if (!to || to.length === 0) {
            throw badRequest(
              'At least one recipient is required, but none were found.',
              'ErrorInvalidRecipients',
            );
          }
          transport.forward(mailbox, message, to, str(body['comment']) ?? '');
          return reply.code(202).send();
        }
        case 'createforward': {
          const to = body['toRecipients'] === undefined ? [] : asRecipients(body['toRecipients']);
          if (!to) throw badRequest("Invalid value for property 'toRecipients'.", 'RequestBodyRead');
          const draft = transport.createForward(mailbox, message, to, str(body['comment']) ?? '');
          if (isRecord(body['message'])) patchMessage(mailbox, draft, body['message']);
          return sendJson(reply, 201, messageEntity(req, mailbox, draft));
        }
        case 'send': {
          if (!message.isDraft) {
            throw badRequest('Only draft messages can be sent.', 'ErrorInvalidOperation');
          }
          if (
            message.toRecipients.length + message.ccRecipients.length + message.bccRecipients.length ===
            0
          ) {
            throw badRequest(
              'At least one recipient is required, but none were found.',
              'ErrorInvalidRecipients',
            );
          }
          transport.send(mailbox, message);
          return reply.code(202).send();
        }
        default:
          throw badRequest(`Resource not found for the segment '${params(req).action ?? ''}'.`);
      }
    });
  }
}
