// A tiny UDP peer on 127.0.0.1 (port 0) that records every datagram and answers as the test says.
import { createSocket } from 'node:dgram';

export interface Responder {
  port: number;
  received: Buffer[];
  close(): Promise<void>;
}

/** `answer` returns the reply bytes, or undefined to stay silent. */
export async function startResponder(answer: (raw: Buffer, index: number) => Buffer | undefined): Promise<Responder> {
  const socket = createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (raw, peer) => {
    received.push(raw);
    const reply = answer(raw, received.length - 1);
    if (reply) socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    received,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
