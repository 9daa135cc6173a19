package dev.airlock.proxy;

import dev.airlock.proxy.policy.HostName;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into addresses, once per request or tunnel; the guard then dials exactly the address it
 * checked. Injectable so tests never query the machine's DNS.
 */
@FunctionalInterface
public interface HostResolver {

    List<InetAddress> resolve(HostName host) throws UnknownHostException;

    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host.value()));
    }
}
