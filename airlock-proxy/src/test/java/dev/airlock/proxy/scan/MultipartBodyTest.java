package dev.airlock.proxy.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartBodyTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void splitsFormDataIntoPartsWithTheirHeadersAndContent() throws Exception {
        String body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\nContent-Type: text/plain\r\n\r\n"
                + "line1\r\n--XyZnot-a-delimiter\r\nline3\r\n--XyZ--\r\nepilogue";
        List<MultipartBody.Part> parts = MultipartBody.parse("multipart/form-data; boundary=XyZ", bytes(body), 1 << 20);
        assertThat(parts).extracting(MultipartBody.Part::label).containsExactly("1", "2");
        assertThat(text(parts.get(0).headers())).isEqualTo("Content-Disposition: form-data; name=\"a\"");
        assertThat(text(parts.get(0).content())).isEqualTo("hello");
        assertThat(text(parts.get(1).content())).isEqualTo("line1\r\n--XyZnot-a-delimiter\r\nline3");
    }

    @Test
    void undoesBase64AndQuotedPrintableAndSplitsNestedMultiparts() throws Exception {
        String body = "--outer\r\nContent-Type: multipart/mixed; boundary=\"inner b\"\r\n\r\n"
                + "--inner b\r\nContent-Transfer-Encoding: base64\r\n\r\nQUtJQVozTVNK\r\nVjRXV05LV1c1Rkc=\r\n"
                + "--inner b\r\ncontent-transfer-encoding:\r\n quoted-printable\r\n\r\nAKIAZ3MS=\r\nJV4WW=4EKWW5FG\r\n"
                + "--inner b--\r\n"
                + "--outer--";
        List<MultipartBody.Part> parts = MultipartBody.parse("Multipart/Mixed; charset=utf-8; boundary=outer", bytes(body), 1 << 20);
        assertThat(parts).extracting(MultipartBody.Part::label).containsExactly("1", "1.1", "1.2");
        assertThat(text(parts.get(1).content())).isEqualTo("AKIAZ3MSJV4WWNKWW5FG");
        assertThat(text(parts.get(2).content())).isEqualTo("AKIAZ3MSJV4WWNKWW5FG");
    }

    @Test
    void acceptsBareLineFeeds() throws Exception {
        List<MultipartBody.Part> parts = MultipartBody.parse("multipart/form-data; boundary=b",
                bytes("--b\nContent-Disposition: form-data; name=x\n\nv\n--b--\n"), 1 << 20);
        assertThat(parts).hasSize(1);
        assertThat(text(parts.getFirst().content())).isEqualTo("v");
    }

    @Test
    void refusesMalformedBodiesWithAReason() {
        assertMalformed("multipart/form-data", "--b\r\n\r\nx\r\n--b--", "no boundary parameter");
        assertMalformed("multipart/form-data; boundary=" + "b".repeat(71), "x", "longer than 70");
        assertMalformed("multipart/form-data; boundary=a; boundary=b", "--a\r\n\r\nx\r\n--a--", "more than one boundary");
        assertMalformed("multipart/form-data; boundary=\"a\r\nb\"", "x", "does not allow");
        assertMalformed("multipart/form-data; boundary=b", "no delimiter here", "does not contain its boundary");
        assertMalformed("multipart/form-data; boundary=b", "--b\r\nContent-Type: text/plain\r\n\r\nunterminated", "unterminated");
        assertMalformed("multipart/form-data; boundary=b", "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\n", "unterminated");
        assertMalformed("multipart/form-data; boundary=b", "--b\r\nno-blank-line\r\n--b--", "no blank line");
        assertMalformed("multipart/form-data; boundary=b", "--b\r\nX: " + "h".repeat(20_000) + "\r\n\r\nx\r\n--b--", "bytes of headers");
        assertMalformed("multipart/form-data; boundary=b", "--b\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nx\r\n--b--",
                "unsupported Content-Transfer-Encoding");
        assertMalformed("multipart/form-data; boundary=b", "--b\r\n\r\nx\r\n".repeat(1001) + "--b--", "more than 1000 parts");
        String nested = "--a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n"
                + "--c\r\nContent-Type: multipart/mixed; boundary=d\r\n\r\n--d\r\n\r\nx\r\n--d--\r\n--c--\r\n--b--\r\n--a--";
        assertMalformed("multipart/mixed; boundary=a", nested, "nested more than 3 deep");
    }

    @Test
    void decodedBytesAreCapped() {
        String body = "--b\r\n\r\n" + "x".repeat(100) + "\r\n--b--";
        assertThatThrownBy(() -> MultipartBody.parse("multipart/form-data; boundary=b", bytes(body), 99))
                .isInstanceOfSatisfying(BodyDecoder.DecodeException.class, e -> assertThat(e.tooLarge()).isTrue());
    }

    private static void assertMalformed(String type, String body, String reason) {
        assertThatThrownBy(() -> MultipartBody.parse(type, bytes(body), 1 << 20))
                .isInstanceOfSatisfying(BodyDecoder.DecodeException.class, e -> assertThat(e.tooLarge()).isFalse())
                .hasMessageContaining(reason);
    }
}
