package dev.cinnabar.server.net;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Certificates and private keys from the PEM files redis.conf names, read as OpenSSL reads them
 * for Redis: a certificate file may hold a chain; a key may be PKCS#8 (plain or encrypted with
 * {@code tls-key-file-pass}), PKCS#1 RSA or SEC1 EC, the last two being what {@code openssl
 * genrsa -traditional} and {@code openssl ecparam -genkey} still write. The JDK reads only
 * PKCS#8, so the other two are rewrapped as PKCS#8 (their key bytes are already its payload).
 */
final class PemFiles {
    /** rsaEncryption's AlgorithmIdentifier: OID 1.2.840.113549.1.1.1 with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** id-ecPublicKey, OID 1.2.840.10045.2.1; the curve's OID follows it in the identifier. */
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    /** PBES2's OID, which EncryptedPrivateKeyInfo reports as the algorithm's name before JDK 17. */
    private static final String PBES2_OID = "1.2.840.113549.1.5.13";
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "EdDSA", "XDH", "RSASSA-PSS", "DSA"};

    /** A file that does not hold what it should, with the reason Redis's log line gives. */
    static final class PemException extends Exception {
        PemException(String message) {
            super(message);
        }
    }

    private PemFiles() {
    }

    /** Every certificate in {@code file}, in order (the leaf first, for a chain). */
    static List<X509Certificate> certificates(String file) throws PemException {
        List<X509Certificate> out = new ArrayList<>();
        for (Block b : blocks(read(file))) {
            if (b.type.equals("CERTIFICATE") || b.type.equals("TRUSTED CERTIFICATE")) {
                out.add(certificate(b.der));
            }
        }
        if (out.isEmpty()) {
            throw new PemException("no certificate found");
        }
        return out;
    }

    /**
     * The CA certificates of {@code tls-ca-cert-file} and {@code tls-ca-cert-dir}. OpenSSL looks
     * certificates up in the directory by their subject's hash ({@code c_rehash} names); every
     * certificate found in its files is trusted here, which is the same set for such a directory.
     */
    static List<X509Certificate> caCertificates(String file, String dir) throws PemException {
        List<X509Certificate> out = new ArrayList<>();
        if (!file.isEmpty()) {
            out.addAll(certificates(file));
        }
        if (!dir.isEmpty()) {
            Path d = Path.of(dir);
            if (!Files.isDirectory(d)) {
                throw new PemException("No such file or directory: " + dir);
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(d)) {
                for (Path p : files) {
                    if (!Files.isRegularFile(p)) {
                        continue;
                    }
                    try {
                        out.addAll(certificates(p.toString()));
                    } catch (PemException notACertificate) {
                        // OpenSSL only opens the files a lookup names; others are no error.
                    }
                }
            } catch (IOException e) {
                throw new PemException(e.getMessage());
            }
        }
        return out;
    }

    /** The private key in {@code file}; {@code password} decrypts an encrypted PKCS#8 key. */
    static PrivateKey privateKey(String file, String password) throws PemException {
        for (Block b : blocks(read(file))) {
            switch (b.type) {
                case "PRIVATE KEY":
                    return pkcs8(b.der);
                case "RSA PRIVATE KEY":
                    return pkcs8(privateKeyInfo(RSA_ALGORITHM, legacyDecrypt(b, password)));
                case "EC PRIVATE KEY": {
                    byte[] sec1 = legacyDecrypt(b, password);
                    return pkcs8(privateKeyInfo(ecAlgorithm(sec1), sec1));
                }
                case "ENCRYPTED PRIVATE KEY":
                    return pkcs8(decrypt(b.der, password));
                default:
                    break; // EC PARAMETERS and the like come before the key
            }
        }
        throw new PemException("no private key found");
    }

    private static byte[] read(String file) throws PemException {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new PemException("No such file or directory");
        } catch (IOException | RuntimeException e) {
            throw new PemException(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static X509Certificate certificate(byte[] der) throws PemException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new PemException("bad certificate: " + e.getMessage());
        }
    }

    private static PrivateKey pkcs8(byte[] der) throws PemException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException tryTheNext) {
                // The spec does not say which algorithm it holds; the right factory takes it.
            }
        }
        throw new PemException("unsupported private key");
    }

    private static byte[] decrypt(byte[] der, String password) throws PemException {
        if (password.isEmpty()) {
            throw new PemException("bad decrypt (the key is encrypted and tls-key-file-pass is not set)");
        }
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            AlgorithmParameters params = info.getAlgParameters();
            // PBES2 is a scheme, not a cipher: its parameters name the real one (the JDK names the
            // scheme "PBES2", or by its OID before 17).
            String name = info.getAlgName();
            boolean pbes2 = name.equals("PBES2") || name.equals(PBES2_OID);
            String algorithm = pbes2 && params != null ? params.toString() : name;
            SecretKeyFactory factory = SecretKeyFactory.getInstance(algorithm);
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password.toCharArray())), params);
            return info.getKeySpec(cipher).getEncoded();
        } catch (IOException | GeneralSecurityException e) {
            throw new PemException("bad decrypt");
        }
    }

    /**
     * A PKCS#1 or SEC1 key as written with {@code Proc-Type: 4,ENCRYPTED} (OpenSSL 1.x's {@code
     * genrsa -aes256}): the key is OpenSSL's EVP_BytesToKey of the password with MD5, salted with
     * the IV's first eight bytes, for the CBC cipher DEK-Info names.
     */
    private static byte[] legacyDecrypt(Block b, String password) throws PemException {
        if (b.dekInfo == null) {
            return b.der;
        }
        if (password.isEmpty()) {
            throw new PemException("bad decrypt (the key is encrypted and tls-key-file-pass is not set)");
        }
        int comma = b.dekInfo.indexOf(',');
        String cipherName = comma < 0 ? b.dekInfo : b.dekInfo.substring(0, comma).trim();
        byte[] iv = java.util.HexFormat.of().parseHex(comma < 0 ? "" : b.dekInfo.substring(comma + 1).trim());
        String transformation;
        int keyLength;
        switch (cipherName) {
            case "AES-128-CBC" -> { transformation = "AES"; keyLength = 16; }
            case "AES-192-CBC" -> { transformation = "AES"; keyLength = 24; }
            case "AES-256-CBC" -> { transformation = "AES"; keyLength = 32; }
            case "DES-EDE3-CBC" -> { transformation = "DESede"; keyLength = 24; }
            case "DES-CBC" -> { transformation = "DES"; keyLength = 8; }
            default -> throw new PemException("unsupported encryption " + cipherName);
        }
        if (iv.length < 8) {
            throw new PemException("bad DEK-Info");
        }
        try {
            byte[] pass = password.getBytes(StandardCharsets.UTF_8);
            byte[] key = new byte[keyLength];
            byte[] block = new byte[0];
            java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
            for (int filled = 0; filled < keyLength; filled += block.length) {
                md5.update(block);
                md5.update(pass);
                md5.update(iv, 0, 8);
                block = md5.digest();
                System.arraycopy(block, 0, key, filled, Math.min(block.length, keyLength - filled));
            }
            Cipher cipher = Cipher.getInstance(transformation + "/CBC/PKCS5Padding");
            cipher.init(Cipher.DECRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, transformation),
                    new javax.crypto.spec.IvParameterSpec(iv));
            return cipher.doFinal(b.der);
        } catch (GeneralSecurityException e) {
            throw new PemException("bad decrypt");
        }
    }

    /** The AlgorithmIdentifier of a SEC1 key: id-ecPublicKey and the curve its [0] parameters name. */
    private static byte[] ecAlgorithm(byte[] sec1) throws PemException {
        // ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters, [1] publicKey }
        int[] seq = header(sec1, 0, 0x30);
        int p = seq[0];
        int end = seq[0] + seq[1];
        while (p < end) {
            int tag = sec1[p] & 0xff;
            int[] h = header(sec1, p, tag);
            if (tag == 0xa0) {
                int[] oid = header(sec1, h[0], 0x06);
                ByteArrayOutputStream id = new ByteArrayOutputStream();
                id.writeBytes(EC_PUBLIC_KEY_OID);
                id.write(sec1, h[0], oid[0] + oid[1] - h[0]);
                return der(0x30, id.toByteArray());
            }
            p = h[0] + h[1];
        }
        throw new PemException("EC key without its curve's name");
    }

    /** PrivateKeyInfo: version 0, the algorithm, and the key as an OCTET STRING. */
    private static byte[] privateKeyInfo(byte[] algorithm, byte[] key) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(algorithm);
        body.writeBytes(der(0x04, key));
        return der(0x30, body.toByteArray());
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** The content's offset and length of the DER element at {@code p}, which must have {@code tag}. */
    private static int[] header(byte[] der, int p, int tag) throws PemException {
        if (p + 2 > der.length || (der[p] & 0xff) != tag) {
            throw new PemException("bad key encoding");
        }
        int len = der[p + 1] & 0xff;
        int at = p + 2;
        if (len >= 0x80) {
            int bytes = len & 0x7f;
            if (bytes == 0 || bytes > 3 || at + bytes > der.length) {
                throw new PemException("bad key encoding");
            }
            len = 0;
            for (int i = 0; i < bytes; i++) {
                len = (len << 8) | (der[at++] & 0xff);
            }
        }
        if (at + len > der.length) {
            throw new PemException("bad key encoding");
        }
        return new int[] {at, len};
    }

    /** One {@code -----BEGIN type-----} block, decoded; {@code dekInfo} when its headers say it is encrypted. */
    private record Block(String type, byte[] der, String dekInfo) {
    }

    private static List<Block> blocks(byte[] file) throws PemException {
        String text = new String(file, StandardCharsets.US_ASCII);
        List<Block> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int begin = text.indexOf("-----BEGIN ", from);
            if (begin < 0) {
                return out;
            }
            int typeEnd = text.indexOf("-----", begin + 11);
            if (typeEnd < 0) {
                throw new PemException("bad PEM: unterminated header");
            }
            String type = text.substring(begin + 11, typeEnd);
            String endLine = "-----END " + type + "-----";
            int end = text.indexOf(endLine, typeEnd);
            if (end < 0) {
                throw new PemException("bad PEM: no " + endLine);
            }
            StringBuilder base64 = new StringBuilder();
            String dekInfo = null;
            for (String line : text.substring(typeEnd + 5, end).split("\r?\n")) {
                String l = line.trim();
                if (l.startsWith("DEK-Info:")) {
                    dekInfo = l.substring(9).trim();
                } else if (!l.contains(":")) {
                    base64.append(l);
                }
            }
            try {
                out.add(new Block(type, Base64.getDecoder().decode(base64.toString()), dekInfo));
            } catch (IllegalArgumentException e) {
                throw new PemException("bad PEM: " + e.getMessage());
            }
            from = end + endLine.length();
        }
    }
}
