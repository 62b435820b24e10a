package io.vxgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A cluster CA for tests, made with the JDK's {@code keytool} (EC P-256, valid 2 days): {@link
 * #member} issues a member certificate for {@code cluster.tls} (PEM chain and PKCS#8 key), the way
 * {@code deploy/tls/cluster-ca} does with openssl.
 */
public final class ClusterCa {
  private static final String PASS = "changeit";
  private final Path dir;
  private final String name;

  private ClusterCa(Path dir, String name) {
    this.dir = dir;
    this.name = name;
  }

  /** A new CA named {@code name}, its files in {@code dir}. */
  public static ClusterCa create(Path dir, String name) throws IOException {
    ClusterCa ca = new ClusterCa(dir, name);
    keytool(
        dir,
        "-genkeypair",
        "-keystore",
        name + ".p12",
        "-alias",
        "ca",
        "-dname",
        "CN=" + name,
        "-ext",
        "bc:c");
    keytool(
        dir,
        "-exportcert",
        "-keystore",
        name + ".p12",
        "-alias",
        "ca",
        "-rfc",
        "-file",
        name + ".pem");
    return ca;
  }

  /** The CA certificate (PEM): {@code cluster.tls.ca}. */
  public Path caPem() {
    return dir.resolve(name + ".pem");
  }

  /** A member certificate issued by this CA: {@code [cert chain PEM, key PEM]}. */
  public List<Path> member(String member) throws IOException {
    String ks = name + "-" + member + ".p12";
    keytool(dir, "-genkeypair", "-keystore", ks, "-alias", member, "-dname", "CN=" + member);
    keytool(dir, "-certreq", "-keystore", ks, "-alias", member, "-file", member + ".csr");
    keytool(
        dir,
        "-gencert",
        "-keystore",
        name + ".p12",
        "-alias",
        "ca",
        "-infile",
        member + ".csr",
        "-outfile",
        member + ".crt",
        "-rfc",
        "-ext",
        "ku:c=digitalSignature",
        "-ext",
        "eku=serverAuth,clientAuth");
    Path chain = dir.resolve(name + "-" + member + "-chain.pem");
    Files.writeString(
        chain, Files.readString(dir.resolve(member + ".crt")) + Files.readString(caPem()));
    Path key = dir.resolve(name + "-" + member + "-key.pem");
    try (InputStream in = Files.newInputStream(dir.resolve(ks))) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PASS.toCharArray());
      Key k = store.getKey(member, PASS.toCharArray());
      String b64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(k.getEncoded());
      Files.writeString(
          key, "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n");
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
    return List.of(chain, key);
  }

  private static void keytool(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASS));
    if (args[0].equals("-genkeypair")) {
      cmd.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
    }
    if (args[0].equals("-gencert")) {
      cmd.addAll(List.of("-validity", "2"));
    }
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IOException("keytool " + String.join(" ", args) + ": " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
