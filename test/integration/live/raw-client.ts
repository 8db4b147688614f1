/** A bare graphql-transport-ws client over `ws`, to assert the exact protocol messages and close frames. */
import WebSocket from 'ws';
import { waitUntil } from './harness';

export interface Message {
  type: string;
  id?: string;
  payload?: unknown;
}

export class RawClient {
  readonly messages: Message[] = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(JSON.parse(String(data)) as Message));
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
    });
  }

  /** Opens the socket and completes connection_init → connection_ack. */
  static async connect(url: string): Promise<RawClient> {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const client = new RawClient(socket);
    client.send({ type: 'connection_init' });
    await client.waitFor((m) => m.type === 'connection_ack', 'connection_ack');
    return client;
  }

  send(message: Message): void {
    this.socket.send(JSON.stringify(message));
  }

  subscribe(id: string, query: string, variables: Record<string, unknown> = {}): void {
    this.send({ id, type: 'subscribe', payload: { query, variables } });
  }

  async waitFor(predicate: (m: Message) => boolean, what: string, timeoutMs?: number): Promise<Message> {
    await waitUntil(() => this.messages.some(predicate), what, timeoutMs);
    return this.messages.find(predicate)!;
  }

  of(id: string): Message[] {
    return this.messages.filter((m) => m.id === id);
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    this.socket.close(1000, 'done');
    await closed;
  }
}
