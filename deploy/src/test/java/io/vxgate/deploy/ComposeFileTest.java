package io.vxgate.deploy;

import static io.vxgate.deploy.DeployFiles.DEPLOY;
import static io.vxgate.deploy.DeployFiles.list;
import static io.vxgate.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.vxgate.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** deploy/docker/compose.yaml: the Compose Specification schema and the shape of the example. */
class ComposeFileTest {
  private static final Path DIR = DEPLOY.resolve("docker");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Map<String, Object> compose() {
    return DeployFiles.yamlMap(DeployFiles.deploy("docker/compose.yaml"));
  }

  private static Map<String, Object> services() {
    return map(compose().get("services"), "services");
  }

  /** The services that run the vxgate image, by name. */
  private static Map<String, Map<String, Object>> gateways() {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    services()
        .forEach(
            (name, s) -> {
              Map<String, Object> service = map(s, name);
              if (String.valueOf(service.get("image")).startsWith("vxgate")) {
                out.put(name, service);
              }
            });
    return out;
  }

  /** A service's environment as the container sees it: env_file first, then environment. */
  private static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> env = new HashMap<>();
    Object files = service.get("env_file");
    if (files != null) {
      for (Object f : files instanceof List<?> l ? l : List.of(files)) {
        env.putAll(DeployFiles.envFile(DeployFiles.deploy("docker/" + f)));
      }
    }
    map(service.get("environment"), "environment").forEach((k, v) -> env.put(k, String.valueOf(v)));
    return env;
  }

  private static Set<ValidationMessage> validate(Map<String, Object> doc) throws IOException {
    JsonNode schemaNode;
    try (InputStream in = ComposeFileTest.class.getResourceAsStream("/compose-spec.json")) {
      assertThat(in).as("compose-spec.json on the test classpath").isNotNull();
      schemaNode = JSON.readTree(in);
    }
    // The published schema's $id is the relative "compose_spec.json"; the validator wants a URI.
    ((ObjectNode) schemaNode).put("$id", "https://compose-spec.io/compose_spec.json");
    JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schemaNode);
    JsonNode node = JSON.valueToTree(doc);
    return schema.validate(node);
  }

  @Test
  void conformsToTheComposeSpecificationSchema() throws IOException {
    assertThat(validate(compose())).isEmpty();
  }

  @Test
  void theSchemaCheckRefusesAnUnknownServiceKey() throws IOException {
    Map<String, Object> doc = compose();
    Map<String, Object> gw = new LinkedHashMap<>(map(services().get("gw-1"), "gw-1"));
    gw.put("stop_grace", "40s");
    Map<String, Object> services = new LinkedHashMap<>(services());
    services.put("gw-1", gw);
    doc.put("services", services);
    assertThat(validate(doc)).extracting(ValidationMessage::getMessage).isNotEmpty();
  }

  @Test
  void threeGatewaysInTwoDatacenters() {
    Map<String, Map<String, Object>> gws = gateways();
    assertThat(gws).containsOnlyKeys("gw-1", "gw-2", "gw-3");
    Map<String, String> dcs = new LinkedHashMap<>();
    gws.forEach((name, s) -> dcs.put(name, environment(s).get("VXGATE_DATACENTER")));
    assertThat(dcs)
        .containsEntry("gw-1", "dc1")
        .containsEntry("gw-2", "dc1")
        .containsEntry("gw-3", "dc2");
  }

  @Test
  void everyGatewayJoinsEveryOtherByServiceName() {
    Map<String, Map<String, Object>> gws = gateways();
    Set<String> expected = new TreeSet<>();
    gws.keySet().forEach(n -> expected.add(n + ":5701"));
    gws.forEach(
        (name, s) -> {
          Map<String, String> env = environment(s);
          assertThat(new TreeSet<>(List.of(env.get("VXGATE_MEMBERS").split(","))))
              .as("%s VXGATE_MEMBERS", name)
              .isEqualTo(expected);
          assertThat(env.get("VXGATE_NODE_ID")).isEqualTo(name);
          assertThat(env.get("VXGATE_CLUSTER_BIND")).isEqualTo("0.0.0.0:5701");
        });
  }

  @Test
  void everyGatewayConfigLoadsWithItsEnvironment() {
    Path config = DeployFiles.deploy("docker/config/vxgate.yaml");
    gateways()
        .forEach(
            (name, s) -> {
              assertThat(list(s.get("command"), "command"))
                  .containsExactly("--config", "/etc/vxgate/vxgate.yaml");
              Map<String, String> env = environment(s);
              GatewayConfig c =
                  DeployFiles.loadConfig(DeployFiles.read(config), name, config.getParent(), env);
              assertThat(c.node().id()).isEqualTo(name);
              assertThat(c.node().datacenter()).isEqualTo(env.get("VXGATE_DATACENTER"));
              assertThat(c.cluster().members()).hasSize(3);
              assertThat(c.admin().token()).isEqualTo(env.get("VXGATE_ADMIN_TOKEN"));
              assertThat(c.dnsSync()).isNotNull();
              assertThat(c.dnsSync().tsig().secret()).isEqualTo(env.get("VXGATE_TSIG_SECRET"));
              assertThat(c.node().advertise()).isEqualTo(address(s));
            });
  }

  @Test
  void gatewaysMountTheConfigReadOnlyAndHaveHealthchecks() {
    gateways()
        .forEach(
            (name, s) -> {
              Map<String, Object> volume = map(list(s.get("volumes"), "volumes").get(0), "volume");
              assertThat(DIR.resolve(String.valueOf(volume.get("source")))).isDirectory();
              assertThat(volume)
                  .containsEntry("target", "/etc/vxgate")
                  .containsEntry("read_only", true);
              Map<String, Object> health = map(s.get("healthcheck"), name + " healthcheck");
              assertThat(list(health.get("test"), "test").toString()).contains("/health/ready");
              assertThat(s.get("read_only")).isEqualTo(true);
            });
  }

  @Test
  void gatewaysWaitForAHealthyDnsServerAndTheOrigins() {
    gateways()
        .forEach(
            (name, s) -> {
              Map<String, Object> deps = map(s.get("depends_on"), name + " depends_on");
              assertThat(map(deps.get("dns"), "dns")).containsEntry("condition", "service_healthy");
              for (String origin : List.of("echo-1", "echo-2", "echo-3")) {
                assertThat(services()).containsKey(origin);
                assertThat(map(deps.get(origin), origin)).containsKey("condition");
              }
            });
    Map<String, Object> dns = map(services().get("dns"), "dns");
    assertThat(dns.get("image")).asString().startsWith("internetsystemsconsortium/bind9:");
    assertThat(dns).containsKey("healthcheck");
    for (Object v : list(dns.get("volumes"), "dns volumes")) {
      assertThat(DIR.resolve(String.valueOf(map(v, "volume").get("source")))).isRegularFile();
    }
  }

  @Test
  void stopGracePeriodOutlastsTheShutdownGrace() {
    Path config = DeployFiles.deploy("docker/config/vxgate.yaml");
    gateways()
        .forEach(
            (name, s) -> {
              GatewayConfig c =
                  DeployFiles.loadConfig(
                      DeployFiles.read(config), name, config.getParent(), environment(s));
              assertThat(composeDuration(String.valueOf(s.get("stop_grace_period"))))
                  .as("%s stop_grace_period", name)
                  .isGreaterThan(c.node().shutdownGrace());
            });
  }

  @Test
  void zoneRecordsAndTsigKeyMatchTheGateways() throws IOException {
    List<String> advertised = new ArrayList<>();
    gateways().forEach((name, s) -> advertised.add(address(s)));
    var zone = DnsFilesTest.zone();
    List<String> records = new ArrayList<>();
    zone.findExactMatch(Name.fromString("gw.example.test."), Type.A)
        .rrs()
        .forEach(r -> records.add(((ARecord) r).getAddress().getHostAddress()));
    assertThat(records).containsExactlyInAnyOrderElementsOf(advertised);
    gateways()
        .forEach(
            (name, s) ->
                assertThat(environment(s).get("VXGATE_TSIG_SECRET"))
                    .isEqualTo(DnsFilesTest.tsigSecret()));
    Map<String, Object> dns = map(services().get("dns"), "dns");
    String dnsAddress =
        String.valueOf(
            map(map(dns.get("networks"), "networks").get("vxnet"), "vxnet").get("ipv4_address"));
    Path config = DeployFiles.deploy("docker/config/vxgate.yaml");
    GatewayConfig c =
        DeployFiles.loadConfig(
            DeployFiles.read(config),
            "gw-1",
            config.getParent(),
            environment(gateways().get("gw-1")));
    assertThat(c.dnsSync().server().host()).isEqualTo(dnsAddress);
  }

  /** The service's fixed address on the compose network. */
  private static String address(Map<String, Object> service) {
    Map<String, Object> net = map(map(service.get("networks"), "networks").get("vxnet"), "vxnet");
    return String.valueOf(net.get("ipv4_address"));
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  /** A Compose duration such as {@code 1m30s}. */
  static Duration composeDuration(String text) {
    Matcher m = DURATION.matcher(text);
    Duration d = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      assertThat(m.start()).as("duration %s", text).isEqualTo(end);
      long n = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
      end = m.end();
    }
    assertThat(end).as("duration %s", text).isEqualTo(text.length()).isPositive();
    return d;
  }
}
