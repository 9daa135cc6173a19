package dev.airlock.proxy;

import dev.airlock.proxy.policy.HostName;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Resolves only the names a test gives it; never touches the machine's DNS. */
final class FakeResolver implements HostResolver {
    private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();
    final List<String> queries = new java.util.concurrent.CopyOnWriteArrayList<>();

    FakeResolver map(String name, String... addresses) {
        List<InetAddress> list = new java.util.ArrayList<>();
        for (String a : addresses) {
            try {
                // getByName on a literal parses it locally; no lookup is made.
                list.add(InetAddress.getByName(a));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        }
        names.put(name, List.copyOf(list));
        return this;
    }

    @Override
    public List<InetAddress> resolve(HostName host) throws UnknownHostException {
        queries.add(host.value());
        List<InetAddress> a = names.get(host.value());
        if (a == null) {
            throw new UnknownHostException(host.value());
        }
        return a;
    }
}
