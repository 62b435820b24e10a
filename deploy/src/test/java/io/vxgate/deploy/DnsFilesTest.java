package io.vxgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/** deploy/dns: the example zone and the BIND config that accepts the dns-sync updates. */
class DnsFilesTest {
  private static final Pattern KEY =
      Pattern.compile(
          "key\\s+\"vxgate\"\\s*\\{\\s*algorithm\\s+hmac-sha256\\s*;"
              + "\\s*secret\\s+\"([^\"]+)\"\\s*;\\s*}\\s*;");
  private static final Pattern ZONE =
      Pattern.compile("zone\\s+\"example\\.test\"\\s*\\{(.*?)\\n}\\s*;", Pattern.DOTALL);

  /** The zone file read as a master file (dnsjava refuses a zone without SOA and NS). */
  static Zone zone() throws IOException {
    return new Zone(
        Name.fromString("example.test."), DeployFiles.deploy("dns/db.example.test").toString());
  }

  static String namedConf() {
    return DeployFiles.read(DeployFiles.deploy("dns/named.conf"));
  }

  static String tsigSecret() {
    Matcher m = KEY.matcher(namedConf());
    assertThat(m.find())
        .as("named.conf: key \"vxgate\" { algorithm hmac-sha256; secret ...; };")
        .isTrue();
    return m.group(1);
  }

  /** named.conf without its comments, so that a commented-out stanza cannot pass. */
  private static String namedConfCode() {
    return namedConf().replaceAll("(?m)//.*$", "");
  }

  @Test
  void zoneHasSoaNsAndTheGatewayRecordSet() throws IOException {
    Zone zone = zone();
    SOARecord soa = zone.getSOA();
    assertThat(soa.getHost()).isEqualTo(Name.fromString("ns1.example.test."));
    assertThat(zone.getNS().size()).isPositive();
    var gw = zone.findExactMatch(Name.fromString("gw.example.test."), Type.A);
    assertThat(gw).isNotNull();
    assertThat(gw.size()).isEqualTo(3);
    assertThat(gw.getTTL()).isEqualTo(30);
    assertThat(soa.getMinimum()).as("negative-caching TTL").isLessThanOrEqualTo(60);
  }

  @Test
  void namedConfAcceptsUpdatesSignedWithTheVxgateKey() {
    String code = namedConfCode();
    assertThat(KEY.matcher(code).find()).isTrue();
    assertThat(Base64.getDecoder().decode(tsigSecret())).hasSizeGreaterThanOrEqualTo(16);
    Matcher zone = ZONE.matcher(code);
    assertThat(zone.find()).as("zone \"example.test\" { ... };").isTrue();
    String body = zone.group(1);
    assertThat(body).containsPattern("type\\s+(primary|master)\\s*;");
    assertThat(body).containsPattern("allow-update\\s*\\{\\s*key\\s+\"?vxgate\"?\\s*;\\s*}\\s*;");
    assertThat(body).contains("file \"/var/lib/bind/db.example.test\";");
    assertThat(code).containsPattern("recursion\\s+no\\s*;");
  }

  @Test
  void bindToolsAcceptTheFilesWhenInstalled(@TempDir Path tmp)
      throws IOException, InterruptedException {
    assumeTrue(
        Tools.onPath("named-checkconf") && Tools.onPath("named-checkzone"),
        "named-checkconf/named-checkzone (bind9-utils) not installed");
    Path zoneFile = DeployFiles.deploy("dns/db.example.test");
    Tools.Result zone = Tools.run(tmp, "named-checkzone", "example.test", zoneFile.toString());
    assertThat(zone.exitCode()).as(zone.output()).isZero();
    // named.conf names the container's directories: check a copy that points them at tmp.
    Path conf = tmp.resolve("named.conf");
    Files.writeString(
        conf,
        namedConf()
            .replace("/var/cache/bind", tmp.toString())
            .replace("/var/lib/bind/db.example.test", zoneFile.toString()));
    Tools.Result check = Tools.run(tmp, "named-checkconf", "-z", conf.toString());
    assertThat(check.exitCode()).as(check.output()).isZero();
  }
}
