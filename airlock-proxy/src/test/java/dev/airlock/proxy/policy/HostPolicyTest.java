package dev.airlock.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class HostPolicyTest {

    @Test
    void wildcardMatchesOnlyStrictSubdomains() {
        HostPattern p = HostPattern.parse("*.github.com");
        assertThat(p.matches(HostName.parse("api.github.com"))).isTrue();
        assertThat(p.matches(HostName.parse("a.b.github.com"))).isTrue();
        assertThat(p.matches(HostName.parse("github.com"))).isFalse();
        assertThat(p.matches(HostName.parse("evilgithub.com"))).isFalse();
        assertThat(p.matches(HostName.parse("github.com.evil.com"))).isFalse();
    }

    @Test
    void starAloneMatchesEveryNameButTheDenylistStillWins() {
        assertThat(HostPattern.parse("*")).isSameAs(HostPattern.ANY).hasToString("*");
        assertThat(HostPattern.ANY.matches(HostName.parse("example.org"))).isTrue();
        GuardPolicy p = new PolicyLoader(SecretSource.of(java.util.Map.of()))
                .parse("{\"allow\": [\"*\"]}".getBytes(java.nio.charset.StandardCharsets.UTF_8), "t").defaults();
        assertThat(DestinationPolicy.check(p, "GET", "example.org", 443)).isEqualTo(HostName.parse("example.org"));
        assertThat(DestinationPolicy.check(p, "GET", "pastebin.com", 443)).isInstanceOf(dev.airlock.proxy.Deny.class);
        assertThat(DestinationPolicy.check(p, "GET", "127.0.0.1", 443)).isInstanceOf(dev.airlock.proxy.Deny.class);
        assertThatThrownBy(() -> new PolicyLoader(SecretSource.of(java.util.Map.of("K", "0123456789")))
                .parse("{\"credentials\": [{\"host\": \"*\", \"header\": \"x\", \"placeholder\": \"placeholder\", \"secretSource\": \"env:K\"}]}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8), "t"))
                .hasMessageContaining("one exact host name");
    }

    @Test
    void namesAreNormalisedForCaseTrailingDotAndPunycode() {
        assertThat(HostName.parse("API.GitHub.COM.")).isEqualTo(HostName.parse("api.github.com"));
        assertThat(HostName.parse("bücher.example").value()).isEqualTo("xn--bcher-kva.example");
        assertThat(HostPattern.parse("xn--bcher-kva.example").matches(HostName.parse("BÜCHER.example."))).isTrue();
    }

    @Test
    void plainLdhNamesSkipIdnOnlyWhereIdnWouldReturnThemUnchanged() {
        String[] names = {"api.github.com", "API.GitHub.COM", "a", "a-b.c", "xn--bcher-kva.example", "-a.com", "a-.com",
                "a..b", ".a", "a.", "a" + "b".repeat(62) + ".com", "a" + "b".repeat(63) + ".com", "a_b.com", "a b",
                "bücher.example", "x.y-.z", "1-2.a3"};
        for (String n : names) {
            String viaIdn;
            try {
                viaIdn = java.net.IDN.toASCII(n, java.net.IDN.USE_STD3_ASCII_RULES);
            } catch (IllegalArgumentException e) {
                viaIdn = null;
            }
            if (HostName.isPlainLdh(n)) {
                assertThat(viaIdn).as(n).isEqualTo(n);
            }
        }
        assertThat(HostName.isPlainLdh("api.github.com")).isTrue();
        assertThat(HostName.isPlainLdh("a" + "b".repeat(63) + ".com")).isFalse();
        assertThat(HostName.isPlainLdh("-a.com")).isFalse();
        assertThat(HostName.isPlainLdh("bücher.example")).isFalse();
        assertThatThrownBy(() -> HostName.parse("a" + "b".repeat(63) + ".com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostName.parse("-a.com")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ipLiteralsAndJunkAreRefused() {
        for (String s : new String[] {"127.0.0.1", "169.254.169.254", "[::1]", "::1", "2130706433", "0x7f.1", "127.1", "1.2.3.4."}) {
            assertThatThrownBy(() -> HostName.parse(s)).as(s).isInstanceOf(HostName.IpLiteralException.class);
        }
        for (String s : new String[] {"a b.com", "evil.com\r\nx", "a..b", "user@host.com", "ho_st.com", "", "a/b"}) {
            assertThatThrownBy(() -> HostName.parse(s)).as(s).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> HostPattern.parse("git*.com")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forbiddenAddressRanges() throws Exception {
        AddressPolicy strict = new AddressPolicy(false);
        for (String a : new String[] {"169.254.169.254", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "127.0.0.1",
                "0.0.0.0", "100.64.0.1", "::1", "fc00::1", "fd00:ec2::254", "fe80::1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe",
                "2002:a9fe:a9fe::1", "224.0.0.1", "::"}) {
            assertThat(strict.forbiddenRange(InetAddress.getByName(a))).as(a).isNotNull();
        }
        for (String a : new String[] {"93.184.216.34", "172.32.0.1", "8.8.8.8", "2606:4700::1111"}) {
            assertThat(strict.forbiddenRange(InetAddress.getByName(a))).as(a).isNull();
        }
        AddressPolicy tests = new AddressPolicy(true);
        assertThat(tests.forbiddenRange(InetAddress.getByName("127.0.0.1"))).isNull();
        assertThat(tests.forbiddenRange(InetAddress.getByName("169.254.169.254"))).isNotNull();
        assertThat(tests.forbiddenRange(InetAddress.getByName("10.0.0.1"))).isNotNull();
    }
}
