package dev.airlock.proxy.policy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Decides whether a resolved address may be dialled. Everything that is not a public unicast address is refused:
 * loopback, private, link-local (which holds the cloud metadata endpoint 169.254.169.254), carrier-grade NAT,
 * unique-local IPv6, multicast, unspecified, and IPv4 embedded in IPv6 (mapped, compatible, NAT64, 6to4) is
 * unwrapped and judged as IPv4.
 */
public final class AddressPolicy {
    private final boolean allowLoopback;

    /**
     * @param allowLoopback the test-only switch {@code testOnlyAllowLoopbackUpstream}: lets 127/8 and ::1 through
     *                      so tests can reach their fake upstream; never set in production
     */
    public AddressPolicy(boolean allowLoopback) {
        this.allowLoopback = allowLoopback;
    }

    /** Returns {@code null} when the address may be dialled, otherwise the name of the range that forbids it. */
    public String forbiddenRange(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            byte[] embedded = embeddedIpv4(b);
            if (embedded != null) {
                try {
                    return forbiddenRange(InetAddress.getByAddress(embedded));
                } catch (UnknownHostException e) {
                    return "ipv4-embedded";
                }
            }
            if (address.isLoopbackAddress()) {
                return allowLoopback ? null : "loopback";
            }
            if (address.isAnyLocalAddress()) {
                return "unspecified";
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "unique-local (fc00::/7)";
            }
            if (address.isLinkLocalAddress() || ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0)) {
                return "link-local (fe80::/10)";
            }
            if (address.isMulticastAddress()) {
                return "multicast";
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) {
                return "documentation (2001:db8::/32)";
            }
            return null;
        }
        if (!(address instanceof Inet4Address)) {
            return "unknown address family";
        }
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        if (a0 == 127) {
            return allowLoopback ? null : "loopback (127/8)";
        }
        if (a0 == 169 && a1 == 254) {
            return "link-local/metadata (169.254/16)";
        }
        if (a0 == 0) {
            return "unspecified (0/8)";
        }
        if (a0 == 10) {
            return "private (10/8)";
        }
        if (a0 == 172 && (a1 & 0xf0) == 16) {
            return "private (172.16/12)";
        }
        if (a0 == 192 && a1 == 168) {
            return "private (192.168/16)";
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return "carrier-grade NAT (100.64/10)";
        }
        if (a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0) {
            return "IETF protocol assignments (192.0.0/24)";
        }
        if (a0 == 198 && (a1 & 0xfe) == 18) {
            return "benchmarking (198.18/15)";
        }
        if (a0 >= 224) {
            return "multicast/reserved (224/3)";
        }
        return null;
    }

    /** IPv4 inside IPv6: ::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d (NAT64), 2002:AABB:CCDD:: (6to4). */
    private static byte[] embeddedIpv4(byte[] b) {
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= b[i] == 0;
        }
        if (zeroPrefix && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0 && !allZeroOrOne(b)))) {
            return new byte[] {b[12], b[13], b[14], b[15]};
        }
        if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
            return new byte[] {b[12], b[13], b[14], b[15]};
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return new byte[] {b[2], b[3], b[4], b[5]};
        }
        return null;
    }

    private static boolean allZeroOrOne(byte[] b) {
        for (int i = 0; i < 15; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[15] == 0 || b[15] == 1;
    }
}
