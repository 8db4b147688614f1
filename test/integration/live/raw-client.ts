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
  pings = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('ping', () => void (this.pings += 1));
    socket.on('message', (data) => this.messages.push(JSON.parse(String(data)) as Message));
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
    });
  }

  /** Opens the socket offering `protocols` (none when empty), and sends nothing; `autoPong: false` leaves pings unanswered. */
  static async open(url: string, protocols: string[] = ['graphql-transport-ws'], options: { autoPong?: boolean } = {}): Promise<RawClient> {
    const socket = new WebSocket(url, protocols, options);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Opens the socket and completes connection_init → connection_ack. */
  static async connect(url: string): Promise<RawClient> {
    const client = await RawClient.open(url);
    client.send({ type: 'connection_init' });
    await client.waitFor((m) => m.type === 'connection_ack', 'connection_ack');
    return client;
  }

  send(message: Message): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Sends a text frame as it is (for messages that break the protocol). */
  sendText(text: string): void {
    this.socket.send(text);
  }

  /** The close frame, once the server has closed the connection. */
  async closedWith(): Promise<{ code: number; reason: string }> {
    await waitUntil(() => this.closed !== undefined, 'the server to close the connection');
    return this.closed!;
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
