package dev.cinnabar.it.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority with a server and a client certificate, made by {@code openssl} as
 * Redis's utils/gen-test-certs.sh makes its own, once per test JVM; and TLS sockets that trust it.
 * Keys in other encodings ({@link #key}) are made on demand, each with a certificate of its own.
 */
public final class TestCertificates {
    private static TestCertificates made;

    public final Path dir;
    public final Path caCert;
    public final Path serverCert;
    public final Path serverKey;
    public final Path clientCert;
    public final Path clientKey;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.caCert = dir.resolve("ca.crt");
        this.serverCert = dir.resolve("server.crt");
        this.serverKey = dir.resolve("server.key");
        this.clientCert = dir.resolve("client.crt");
        this.clientKey = dir.resolve("client.key");
    }

    public static synchronized TestCertificates get() throws IOException, InterruptedException {
        if (made == null) {
            TestCertificates c = new TestCertificates(Files.createTempDirectory("tls-certs"));
            c.openssl("genrsa", "-out", "ca.key", "2048");
            c.openssl("req", "-x509", "-new", "-nodes", "-sha256", "-key", "ca.key", "-days", "3650",
                    "-subj", "/O=Cinnabar Test/CN=Certificate Authority", "-out", "ca.crt");
            c.openssl("genrsa", "-out", "server.key", "2048");
            c.sign("server.key", "server.crt", "server");
            c.openssl("genrsa", "-out", "client.key", "2048");
            c.sign("client.key", "client.crt", "client");
            made = c;
        }
        return made;
    }

    /** Key encodings OpenSSL writes that redis.conf users may hand the server. */
    public enum KeyFormat {
        /** {@code BEGIN PRIVATE KEY}, what OpenSSL 3 writes by default. */
        PKCS8,
        /** {@code BEGIN RSA PRIVATE KEY}, OpenSSL 1.x's genrsa and {@code -traditional}. */
        PKCS1_RSA,
        /** {@code BEGIN EC PRIVATE KEY} after {@code BEGIN EC PARAMETERS}, from {@code openssl ecparam -genkey}. */
        SEC1_EC,
        /** {@code BEGIN ENCRYPTED PRIVATE KEY}, AES-256 under the password "secret". */
        PKCS8_ENCRYPTED,
        /** {@code BEGIN RSA PRIVATE KEY} with {@code Proc-Type: 4,ENCRYPTED} (OpenSSL 1.x's {@code genrsa -aes256}), password "secret". */
        PKCS1_RSA_ENCRYPTED;

        /** The password its key file needs; empty for none. */
        public String password() {
            return this == PKCS8_ENCRYPTED || this == PKCS1_RSA_ENCRYPTED ? "secret" : "";
        }
    }

    /** A key in {@code format} and a certificate for it signed by the CA: {key, cert}. */
    public Path[] key(KeyFormat format) throws IOException, InterruptedException {
        String name = format.name().toLowerCase();
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".crt");
        if (Files.exists(cert)) {
            return new Path[] {key, cert};
        }
        switch (format) {
            case PKCS8 -> openssl("genpkey", "-algorithm", "RSA", "-out", name + ".key");
            case PKCS1_RSA -> openssl("genrsa", "-traditional", "-out", name + ".key", "2048");
            case SEC1_EC -> openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", name + ".key");
            case PKCS8_ENCRYPTED -> {
                openssl("genrsa", "-out", name + ".plain", "2048");
                openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", name + ".plain", "-out", name + ".key",
                        "-passout", "pass:secret");
            }
            case PKCS1_RSA_ENCRYPTED -> {
                openssl("genrsa", "-traditional", "-out", name + ".plain", "2048");
                openssl("rsa", "-traditional", "-aes256", "-in", name + ".plain", "-out", name + ".key",
                        "-passout", "pass:secret");
            }
        }
        sign(format.password().isEmpty() ? name + ".key" : name + ".plain", name + ".crt", name);
        return new Path[] {key, cert};
    }

    /** The server's TLS directives for a command line: certificate, key and CA. */
    public List<String> serverArgs() {
        return new ArrayList<>(List.of("--tls-cert-file", serverCert.toString(), "--tls-key-file", serverKey.toString(),
                "--tls-ca-cert-file", caCert.toString()));
    }

    /** redis-cli's arguments for a TLS connection with the client certificate. */
    public List<String> cliArgs() {
        return new ArrayList<>(List.of("--tls", "--cacert", caCert.toString(), "--cert", clientCert.toString(),
                "--key", clientKey.toString()));
    }

    /** A TLS socket to {@code port}, handshake done, trusting the CA; with the client certificate when asked. */
    public SSLSocket connect(int port, boolean withClientCertificate, String... protocols)
            throws IOException, GeneralSecurityException {
        return connect(port, withClientCertificate, protocols, new String[0]);
    }

    /** {@link #connect(int, boolean, String...)} offering only {@code suites}, in that order. */
    public SSLSocket connect(int port, boolean withClientCertificate, String[] protocols, String[] suites)
            throws IOException, GeneralSecurityException {
        SSLSocket s = (SSLSocket) context(withClientCertificate).getSocketFactory().createSocket("127.0.0.1", port);
        if (protocols.length > 0) {
            s.setEnabledProtocols(protocols);
        }
        if (suites.length > 0) {
            s.setEnabledCipherSuites(suites);
        }
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    /** An SSL context trusting the CA, presenting the client certificate when asked (for Jedis and sockets). */
    public SSLContext context(boolean withClientCertificate) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", cf.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(caCert))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withClientCertificate) {
            KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
            keys.load(null, null);
            Certificate cert = cf.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(clientCert)));
            keys.setKeyEntry("client", pkcs8(clientKey), new char[0], new Certificate[] {cert});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static PrivateKey pkcs8(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    private void sign(String key, String cert, String cn) throws IOException, InterruptedException {
        openssl("req", "-new", "-sha256", "-subj", "/O=Cinnabar Test/CN=" + cn, "-key", key, "-out", cn + ".csr");
        // The loopback address as a subject name: JDK clients (Jedis) check it; Redis does not.
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl("x509", "-req", "-sha256", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAserial", "ca.txt", "-CAcreateserial",
                "-days", "365", "-in", cn + ".csr", "-extfile", "san.ext", "-out", cert);
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(cmd + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }
}
