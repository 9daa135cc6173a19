// Loopback upstream for the benchmark: reads each request (head, then Content-Length bytes) and answers a fixed
// small JSON body, keep-alive. Raw blocking sockets, one thread per connection, no HTTP library: it must cost
// far less CPU than what is measured, because it shares the machine with the contenders.
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;

public class Upstream {
    static final byte[] OK = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}")
            .getBytes(StandardCharsets.ISO_8859_1);

    public static void main(String[] a) throws Exception {
        ServerSocket server = new ServerSocket(0, 2048, InetAddress.getLoopbackAddress());
        System.out.println(server.getLocalPort());
        System.out.flush();
        while (true) {
            Socket s = server.accept();
            Thread t = new Thread(() -> serve(s));
            t.setDaemon(true);
            t.start();
        }
    }

    static void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            OutputStream out = s.getOutputStream();
            byte[] line = new byte[8192];
            while (true) {
                long length = 0;
                boolean chunked = false;
                int n;
                boolean first = true;
                while ((n = readLine(in, line)) != 0) {
                    if (n < 0) {
                        return;
                    }
                    if (first) {
                        first = false;
                        continue;
                    }
                    if (startsWith(line, n, "content-length:")) {
                        length = Long.parseLong(new String(line, 15, n - 15, StandardCharsets.ISO_8859_1).trim());
                    } else if (startsWith(line, n, "transfer-encoding:")) {
                        chunked = true;
                    }
                }
                if (chunked) {
                    throw new IOException("chunked request bodies are not expected in the benchmark");
                }
                in.skipNBytes(length);
                out.write(OK);
                out.flush();
            }
        } catch (IOException e) {
            // client went away
        }
    }

    /** Reads one line without its CR LF; returns its length, or -1 at end of stream. */
    static int readLine(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                return -1;
            }
            if (c != '\r' && n < buf.length) {
                buf[n++] = (byte) c;
            }
        }
        return n;
    }

    static boolean startsWith(byte[] line, int n, String lowerPrefix) {
        if (n < lowerPrefix.length()) {
            return false;
        }
        for (int i = 0; i < lowerPrefix.length(); i++) {
            if (Character.toLowerCase((char) line[i]) != lowerPrefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
