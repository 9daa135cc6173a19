// Loopback upstream for the benchmark: reads each request (head, then Content-Length bytes) and answers a fixed
// small JSON body, keep-alive. One thread and one selector for all connections, no HTTP library: it must cost far
// less CPU than what is measured, because it shares the machine with the contenders (a thread per connection cost
// about half as much again per request, mostly in wake-ups).
import java.io.*;
import java.net.*;
import java.nio.ByteBuffer;
import java.nio.channels.*;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

public class Upstream {
    static final byte[] OK = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}")
            .getBytes(StandardCharsets.ISO_8859_1);

    /** One connection: what has arrived, how much of the current body is still to skip, answers not yet written. */
    static final class Conn {
        final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        final ByteBuffer out = ByteBuffer.allocateDirect(64 * 1024).flip();
        long bodyLeft = -1; // -1: reading a request head
    }

    public static void main(String[] a) throws Exception {
        Selector sel = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2048);
        server.configureBlocking(false);
        server.register(sel, SelectionKey.OP_ACCEPT);
        System.out.println(((InetSocketAddress) server.getLocalAddress()).getPort());
        System.out.flush();
        while (true) {
            sel.select();
            for (Iterator<SelectionKey> it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                SelectionKey k = it.next();
                it.remove();
                try {
                    if (k.isAcceptable()) {
                        SocketChannel ch;
                        while ((ch = server.accept()) != null) {
                            ch.configureBlocking(false);
                            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                            ch.register(sel, SelectionKey.OP_READ, new Conn());
                        }
                        continue;
                    }
                    SocketChannel ch = (SocketChannel) k.channel();
                    Conn c = (Conn) k.attachment();
                    if (k.isWritable()) {
                        ch.write(c.out);
                        if (!c.out.hasRemaining()) {
                            k.interestOps(SelectionKey.OP_READ);
                        }
                        continue;
                    }
                    if (ch.read(c.in) < 0) {
                        k.cancel();
                        ch.close();
                        continue;
                    }
                    c.in.flip();
                    int answers = requests(c);
                    c.in.compact();
                    if (answers > 0) {
                        c.out.compact();
                        for (int i = 0; i < answers; i++) {
                            c.out.put(OK);
                        }
                        c.out.flip();
                        ch.write(c.out);
                        if (c.out.hasRemaining()) {
                            k.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                        }
                    }
                } catch (IOException e) {
                    // client went away (or sent what the benchmark never sends): drop the connection
                    k.cancel();
                    k.channel().close();
                }
            }
        }
    }

    /** Consumes every complete request in {@code c.in}; returns how many were completed. */
    static int requests(Conn c) throws IOException {
        ByteBuffer in = c.in;
        int done = 0;
        while (true) {
            if (c.bodyLeft < 0) {
                int end = headEnd(in);
                if (end < 0) {
                    if (!in.hasRemaining() || in.remaining() < in.capacity()) {
                        return done;
                    }
                    throw new IOException("request head larger than the buffer");
                }
                c.bodyLeft = contentLength(in, in.position(), end);
                in.position(end);
            }
            int skip = (int) Math.min(c.bodyLeft, in.remaining());
            in.position(in.position() + skip);
            c.bodyLeft -= skip;
            if (c.bodyLeft > 0) {
                return done;
            }
            c.bodyLeft = -1;
            done++;
        }
    }

    /** Position just after the blank line that ends the head, or -1. */
    static int headEnd(ByteBuffer b) {
        for (int i = b.position() + 3; i < b.limit(); i++) {
            if (b.get(i) == '\n' && b.get(i - 1) == '\r' && b.get(i - 2) == '\n' && b.get(i - 3) == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    static long contentLength(ByteBuffer b, int from, int end) throws IOException {
        long length = 0;
        int lineStart = from;
        for (int i = from; i < end; i++) {
            if (b.get(i) != '\n') {
                continue;
            }
            byte[] line = new byte[i - lineStart];
            b.get(lineStart, line);
            String s = new String(line, StandardCharsets.ISO_8859_1).trim();
            if (s.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Long.parseLong(s.substring(15).trim());
            } else if (s.regionMatches(true, 0, "transfer-encoding:", 0, 18)) {
                throw new IOException("chunked request bodies are not expected in the benchmark");
            }
            lineStart = i + 1;
        }
        return length;
    }
}
