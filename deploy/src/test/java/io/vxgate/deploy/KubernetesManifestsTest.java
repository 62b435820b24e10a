package io.vxgate.deploy;

import static io.vxgate.deploy.DeployFiles.DEPLOY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.vxgate.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** deploy/kubernetes: typed, strict parsing of every manifest and the invariants that matter. */
class KubernetesManifestsTest {
  private static final Path DIR = DEPLOY.resolve("kubernetes");
  private static final String APP_LABEL = "app.kubernetes.io/name";

  static Stream<Path> manifests() {
    return DeployFiles.files(DIR, ".yaml", ".yml").stream()
        .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"));
  }

  @SuppressWarnings("unchecked")
  private static <T extends HasMetadata> T one(Class<T> type) {
    List<HasMetadata> all = manifests().map(StrictKubernetes::read).toList();
    List<HasMetadata> matching = all.stream().filter(type::isInstance).toList();
    assertThat(matching).as("exactly one %s", type.getSimpleName()).hasSize(1);
    return (T) matching.get(0);
  }

  private static Map<String, Object> kustomization() {
    return DeployFiles.yamlMap(DeployFiles.deploy("kubernetes/kustomization.yaml"));
  }

  private static Deployment deployment() {
    return one(Deployment.class);
  }

  private static PodSpec pod() {
    return deployment().getSpec().getTemplate().getSpec();
  }

  private static Container gateway() {
    List<Container> containers = pod().getContainers();
    assertThat(containers).extracting(Container::getName).containsExactly("vxgate");
    return containers.get(0);
  }

  @Test
  void kustomizationListsEveryManifestAndNothingElse() {
    Map<String, Object> k = kustomization();
    assertThat(k.get("apiVersion")).isEqualTo("kustomize.config.k8s.io/v1beta1");
    assertThat(k.get("kind")).isEqualTo("Kustomization");
    List<Object> resources = DeployFiles.list(k.get("resources"), "resources");
    List<String> files =
        manifests().map(p -> DIR.relativize(p).toString()).sorted().collect(Collectors.toList());
    assertThat(resources).doesNotHaveDuplicates();
    assertThat(resources.stream().map(String::valueOf).sorted().toList()).isEqualTo(files);
    assertThat(DeployFiles.list(k.get("images"), "images"))
        .anySatisfy(i -> assertThat(DeployFiles.map(i, "image").get("name")).isEqualTo("vxgate"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  void manifestIsAKnownKubernetesTypeWithoutUnknownFields(Path file) {
    HasMetadata resource = StrictKubernetes.read(file);
    assertThat(resource.getMetadata().getName()).as("%s metadata.name", file).isNotBlank();
    assertThat(resource.getMetadata().getNamespace())
        .as("%s: the namespace comes from kustomization.yaml", file)
        .isNull();
  }

  @Test
  void aMisspeltOrMistypedFieldIsRefused(@TempDir Path tmp) throws IOException {
    String deployment = DeployFiles.read(DIR.resolve("deployment.yaml"));
    Path misspelt = tmp.resolve("misspelt.yaml");
    Files.writeString(misspelt, deployment.replace("  replicas: 3", "  replica: 3"));
    assertThatThrownBy(() -> StrictKubernetes.read(misspelt))
        .hasMessageContaining("unknown to the Kubernetes API")
        .hasMessageContaining("spec.replica");
    Path mistyped = tmp.resolve("mistyped.yaml");
    Files.writeString(mistyped, deployment.replace("  replicas: 3", "  replicas: three"));
    assertThatThrownBy(() -> StrictKubernetes.read(mistyped)).isInstanceOf(Throwable.class);
    Path unknownKind = tmp.resolve("kind.yaml");
    Files.writeString(unknownKind, deployment.replace("kind: Deployment", "kind: Deploymnet"));
    assertThatThrownBy(() -> StrictKubernetes.read(unknownKind))
        .hasMessageContaining("is a known API type");
  }

  @Test
  void deploymentRunsThreeReplicasAndSurgesOnRollout() {
    Deployment d = deployment();
    assertThat(d.getSpec().getReplicas()).isEqualTo(3);
    assertThat(d.getSpec().getSelector().getMatchLabels()).containsEntry(APP_LABEL, "vxgate");
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
    var rolling = d.getSpec().getStrategy().getRollingUpdate();
    assertThat(d.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(rolling.getMaxUnavailable().getIntVal()).isZero();
    assertThat(rolling.getMaxSurge().getIntVal()).isPositive();
  }

  @Test
  void podsSpreadOverZones() {
    List<TopologySpreadConstraint> spread = pod().getTopologySpreadConstraints();
    assertThat(spread)
        .filteredOn(c -> c.getTopologyKey().equals("topology.kubernetes.io/zone"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getMaxSkew()).isEqualTo(1);
              assertThat(c.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
              assertThat(c.getLabelSelector().getMatchLabels()).containsEntry(APP_LABEL, "vxgate");
            });
  }

  @Test
  void probesUseTheAdminPortHealthPaths() {
    Container c = gateway();
    assertThat(c.getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("admin");
              assertThat(p.getContainerPort()).isEqualTo(9090);
            });
    assertProbe(c.getLivenessProbe(), "/health/live");
    assertProbe(c.getReadinessProbe(), "/health/ready");
    assertProbe(c.getStartupProbe(), "/health/live");
  }

  private static void assertProbe(Probe probe, String path) {
    assertThat(probe).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    var port = probe.getHttpGet().getPort();
    assertThat(port.getIntVal() != null ? port.getIntVal().toString() : port.getStrVal())
        .isIn("9090", "admin");
  }

  @Test
  void containerPortsMatchTheConfig() {
    GatewayConfig config = configMapConfig();
    Map<String, Integer> ports = new HashMap<>();
    gateway().getPorts().forEach(p -> ports.put(p.getName(), p.getContainerPort()));
    assertThat(ports)
        .containsEntry("http", config.listeners().get(0).bind().port())
        .containsEntry("admin", config.admin().bind().port())
        .containsEntry("hazelcast", config.cluster().bind().port());
  }

  @Test
  void terminationOutlastsPreStopAndShutdownGrace() {
    Duration grace = configMapConfig().node().shutdownGrace();
    assertThat(grace).isEqualTo(Duration.ofSeconds(30));
    var preStop = gateway().getLifecycle().getPreStop();
    assertThat(preStop).isNotNull();
    List<String> command = preStop.getExec().getCommand();
    assertThat(command).hasSize(2);
    assertThat(command.get(0)).endsWith("sleep");
    long preStopSeconds = Long.parseLong(command.get(1));
    assertThat(pod().getTerminationGracePeriodSeconds())
        .isGreaterThan(30)
        .isGreaterThan(preStopSeconds + grace.toSeconds());
  }

  @Test
  void containerRunsAsNonRootWithReadOnlyRootFileSystem() {
    var podSecurity = pod().getSecurityContext();
    assertThat(podSecurity.getRunAsNonRoot()).isTrue();
    assertThat(podSecurity.getRunAsUser()).isEqualTo(10001L);
    assertThat(podSecurity.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var security = gateway().getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(gateway().getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(gateway().getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(gateway().getResources().getLimits()).containsKeys("cpu", "memory");
  }

  @Test
  void bufferedBodiesGoToADiskVolumeOfTheirOwn() {
    String dir = configMapConfig().buffering().tempDir();
    assertThat(gateway().getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo(dir);
              assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
              var volume =
                  pod().getVolumes().stream()
                      .filter(v -> v.getName().equals(m.getName()))
                      .findFirst()
                      .orElseThrow();
              assertThat(volume.getEmptyDir()).as("an emptyDir").isNotNull();
              assertThat(volume.getEmptyDir().getMedium()).as("on disk, not in memory").isNull();
            });
  }

  @Test
  void trafficServiceMapsPort80ToTheWebListener() {
    Service s = service("vxgate");
    assertThat(s.getSpec().getSelector()).containsEntry(APP_LABEL, "vxgate");
    ServicePort port = s.getSpec().getPorts().get(0);
    assertThat(port.getPort()).isEqualTo(80);
    assertThat(port.getTargetPort().getStrVal()).isEqualTo("http");
    assertThat(gateway().getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(8080);
            });
  }

  @Test
  void headlessServiceServesHazelcastDiscovery() {
    Service hz = service("vxgate-hz");
    assertThat(hz.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(hz.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(hz.getSpec().getSelector()).containsEntry(APP_LABEL, "vxgate");
    assertThat(hz.getSpec().getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort()).isEqualTo(5701));
    String namespace = String.valueOf(kustomization().get("namespace"));
    assertThat(configMapConfig().cluster().kubernetesServiceDns())
        .isEqualTo("vxgate-hz." + namespace + ".svc.cluster.local");
  }

  private static Service service(String name) {
    List<Service> services =
        manifests()
            .map(StrictKubernetes::read)
            .filter(Service.class::isInstance)
            .map(Service.class::cast)
            .filter(s -> s.getMetadata().getName().equals(name))
            .toList();
    assertThat(services).as("Service %s", name).hasSize(1);
    return services.get(0);
  }

  @Test
  void rbacLetsTheServiceAccountReadEndpointsPodsAndServices() {
    Role role = one(Role.class);
    RoleBinding binding = one(RoleBinding.class);
    String account = pod().getServiceAccountName();
    assertThat(account).isEqualTo("vxgate");
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .anySatisfy(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo(account);
            });
    for (String resource : List.of("endpoints", "pods", "services")) {
      assertThat(role.getRules())
          .as("core %s", resource)
          .anySatisfy(r -> assertRule(r, "", resource));
    }
    assertThat(role.getRules())
        .flatExtracting(PolicyRule::getVerbs)
        .as("read-only")
        .containsOnly("get", "list");
  }

  private static void assertRule(PolicyRule rule, String group, String resource) {
    assertThat(rule.getApiGroups()).contains(group);
    assertThat(rule.getResources()).contains(resource);
    assertThat(rule.getVerbs()).contains("get", "list");
  }

  @Test
  void disruptionBudgetKeepsTwoGateways() {
    PodDisruptionBudget pdb = one(PodDisruptionBudget.class);
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).containsEntry(APP_LABEL, "vxgate");
  }

  @Test
  void autoscalerScalesTheDeploymentOnCpu() {
    HorizontalPodAutoscaler hpa = one(HorizontalPodAutoscaler.class);
    assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName())
        .isEqualTo(deployment().getMetadata().getName());
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
    assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(3);
    assertThat(hpa.getSpec().getMetrics())
        .anySatisfy(m -> assertThat(m.getResource().getName()).isEqualTo("cpu"));
  }

  @Test
  void secretHoldsOnlyAPlaceholderToken() {
    Secret secret = one(Secret.class);
    assertThat(secret.getStringData()).containsOnlyKeys("token");
    assertThat(secret.getStringData().get("token")).startsWith("REPLACE-ME");
    assertThat(secret.getData()).isNullOrEmpty();
  }

  @Test
  void datacenterComesFromTheZoneLabelAndIdFromThePodName() {
    Map<String, EnvVar> env = new LinkedHashMap<>();
    gateway().getEnv().forEach(e -> env.put(e.getName(), e));
    assertThat(env.get("VXGATE_DATACENTER").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.labels['topology.kubernetes.io/zone']");
    assertThat(env.get("VXGATE_NODE_ID").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.name");
    var token = env.get("VXGATE_ADMIN_TOKEN").getValueFrom().getSecretKeyRef();
    Secret secret = one(Secret.class);
    assertThat(token.getName()).isEqualTo(secret.getMetadata().getName());
    assertThat(secret.getStringData()).containsKey(token.getKey());
  }

  @Test
  void configMapConfigLoadsWithThePodEnvironment() {
    GatewayConfig config = configMapConfig();
    assertThat(config.node().id()).isEqualTo("vxgate-6d4f9c7b8-x2x9q");
    assertThat(config.node().datacenter()).isEqualTo("eu-west-1a");
    assertThat(config.admin().token()).startsWith("REPLACE-ME");
    assertThat(config.cluster().members()).isEmpty();
    // Without the zone label (older clusters) the empty variable overrides nothing.
    Map<String, String> env = podEnvironment("");
    GatewayConfig noZone = DeployFiles.loadConfig(configMapText(), "configmap.yaml", DIR, env);
    assertThat(noZone.node().datacenter()).isEqualTo("default");
  }

  private static String configMapText() {
    ConfigMap cm = one(ConfigMap.class);
    var mounts = gateway().getVolumeMounts();
    assertThat(mounts).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/vxgate"));
    assertThat(gateway().getArgs()).containsExactly("--config", "/etc/vxgate/vxgate.yaml");
    assertThat(cm.getData()).containsKey("vxgate.yaml");
    return cm.getData().get("vxgate.yaml");
  }

  /** The Deployment's environment with sample downward-API values and the Secret's token. */
  private static Map<String, String> podEnvironment(String zone) {
    Secret secret = one(Secret.class);
    Map<String, String> env = new HashMap<>();
    for (EnvVar e : gateway().getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
        continue;
      }
      var from = e.getValueFrom();
      if (from.getSecretKeyRef() != null) {
        env.put(e.getName(), secret.getStringData().get(from.getSecretKeyRef().getKey()));
      } else if (from.getFieldRef().getFieldPath().equals("metadata.name")) {
        env.put(e.getName(), "vxgate-6d4f9c7b8-x2x9q");
      } else if (from.getFieldRef().getFieldPath().contains("topology.kubernetes.io/zone")) {
        env.put(e.getName(), zone);
      }
    }
    return env;
  }

  static GatewayConfig configMapConfig() {
    return DeployFiles.loadConfig(
        configMapText(), "configmap.yaml", DIR, podEnvironment("eu-west-1a"));
  }
}
