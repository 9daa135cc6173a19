// Loopback upstream for the benchmark: answers every request with a small JSON body after reading the request.
import com.sun.net.httpserver.HttpServer;
import java.net.*;
import java.util.concurrent.Executors;

public class Upstream {
    public static void main(String[] a) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2048);
        byte[] ok = "{\"ok\":true}".getBytes();
        s.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        s.setExecutor(Executors.newFixedThreadPool(4));
        s.start();
        System.out.println(s.getAddress().getPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
