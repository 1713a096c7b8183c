package io.riffle.service.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Validates {@code k8s/} (Kustomize base, overlays, monitoring, Grafana dashboard) and the {@code
 * Dockerfile} against each other and against the service's contract: health endpoints, port, config
 * schema, data directory, image name. Overlays are rendered by {@link Kustomize} and every document
 * is bound strictly to fabric8's model ({@link StrictModel}).
 */
class ManifestsTest {

  static final Path ROOT = repositoryRoot();
  static final Path K8S = ROOT.resolve("k8s");
  static final int SERVICE_PORT = 8080; // the service's default http.port
  static final String DATA_DIR = "/var/lib/riffle";
  static final String CONFIG_FILE = "/etc/riffle/riffle.yaml";

  // ---------------------------------------------------------------- rendering and strict parsing

  @ParameterizedTest
  @ValueSource(strings = {"overlays/dev", "overlays/prod", "base", "monitoring"})
  void everyRenderedDocumentBindsStrictlyToTheKubernetesModel(String dir) throws IOException {
    List<ObjectNode> docs = Kustomize.render(K8S.resolve(dir));
    assertThat(docs).isNotEmpty();
    for (ObjectNode doc : docs) {
      HasMetadata bound = StrictModel.parse(doc);
      assertThat(bound.getMetadata().getName()).isNotBlank();
      assertThat(bound.getMetadata().getNamespace())
          .as("namespace is chosen at apply time (kubectl -n)")
          .isNull();
    }
  }

  @Test
  void overlaysHoldTheExpectedObjects() throws IOException {
    assertThat(kinds(render("dev")))
        .containsExactlyInAnyOrder(
            "ConfigMap/riffle-config",
            "Secret/riffle-admin",
            "Service/riffle",
            "Service/riffle-headless",
            "StatefulSet/riffle",
            "PodDisruptionBudget/riffle");
    assertThat(kinds(render("prod")))
        .as("prod ships no Secret: the real token is created out of band")
        .containsExactlyInAnyOrder(
            "ConfigMap/riffle-config",
            "Service/riffle",
            "Service/riffle-headless",
            "StatefulSet/riffle",
            "PodDisruptionBudget/riffle",
            "ServiceMonitor/riffle");
  }

  @Test
  void strictParsingRejectsUnknownFieldsAndWrongTypes() throws IOException {
    ObjectNode sts = find(render("dev"), "StatefulSet", "riffle");
    assertThat(StrictModel.parse(sts)).isInstanceOf(StatefulSet.class);

    ObjectNode typo = sts.deepCopy();
    ObjectNode httpGet =
        (ObjectNode) typo.at("/spec/template/spec/containers/0/livenessProbe/httpGet");
    httpGet.put("paht", "/health/live");
    assertThatThrownBy(() -> StrictModel.parse(typo)).hasMessageContaining("paht");

    ObjectNode misplaced = sts.deepCopy();
    ((ObjectNode) misplaced.at("/spec")).put("terminationGracePeriodSeconds", 60);
    assertThatThrownBy(() -> StrictModel.parse(misplaced))
        .hasMessageContaining("terminationGracePeriodSeconds");

    ObjectNode quoted = sts.deepCopy();
    ((ObjectNode) quoted.at("/spec")).put("replicas", "1");
    assertThatThrownBy(() -> StrictModel.parse(quoted)).hasMessageContaining("round-trip");

    ObjectNode monitor = find(render("prod"), "ServiceMonitor", "riffle");
    ObjectNode badMonitor = monitor.deepCopy();
    ((ObjectNode) badMonitor.at("/spec/endpoints/0")).put("metricsPath", "/metrics");
    assertThatThrownBy(() -> StrictModel.parse(badMonitor)).hasMessageContaining("metricsPath");
  }

  @Test
  void rendererRefusesKustomizeFeaturesItDoesNotImplement(@TempDir Path tmp) throws IOException {
    Files.writeString(
        tmp.resolve("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: x-\n");
    assertThatThrownBy(() -> Kustomize.render(tmp)).hasMessageContaining("namePrefix");
  }

  /** When kubectl is installed, its kustomize must render exactly what {@link Kustomize} does. */
  @ParameterizedTest
  @ValueSource(strings = {"overlays/dev", "overlays/prod", "base", "monitoring"})
  void rendererAgreesWithKubectlKustomizeWhenAvailable(String dir) throws Exception {
    Path out = Files.createTempFile("kustomize", ".yaml");
    try {
      Process p;
      try {
        p =
            new ProcessBuilder("kubectl", "kustomize", K8S.resolve(dir).toString())
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
      } catch (IOException e) {
        Assumptions.abort("kubectl is not installed");
        return;
      }
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("kubectl kustomize exit code").isZero();
      List<JsonNode> theirs = Kustomize.readYaml(out);
      List<ObjectNode> ours = Kustomize.render(K8S.resolve(dir));
      assertThat(new ArrayList<JsonNode>(ours)).containsExactlyInAnyOrderElementsOf(theirs);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  // ---------------------------------------------------------------- the pod and its contract

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void probesHitTheHealthEndpointsOnTheServicePort(String overlay) throws IOException {
    Container c = container(render(overlay));
    assertThat(c.getPorts())
        .extracting(ContainerPort::getName, ContainerPort::getContainerPort)
        .containsExactly(tuple("http", SERVICE_PORT));
    assertProbe(c, c.getStartupProbe(), "/health/live");
    assertProbe(c, c.getLivenessProbe(), "/health/live");
    assertProbe(c, c.getReadinessProbe(), "/health/ready");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void servicesExposeHttpOn8080AndSelectThePods(String overlay) throws IOException {
    List<ObjectNode> docs = render(overlay);
    StatefulSet sts = bind(docs, "StatefulSet", "riffle", StatefulSet.class);
    Map<String, String> podLabels = sts.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).containsAllEntriesOf(sts.getSpec().getSelector().getMatchLabels());

    Service headless = bind(docs, "Service", "riffle-headless", Service.class);
    Service client = bind(docs, "Service", "riffle", Service.class);
    assertThat(sts.getSpec().getServiceName()).isEqualTo("riffle-headless");
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(client.getSpec().getClusterIP()).isNull();
    for (Service s : List.of(headless, client)) {
      assertThat(podLabels).containsAllEntriesOf(s.getSpec().getSelector());
      assertThat(s.getSpec().getPorts()).hasSize(1);
      ServicePort port = s.getSpec().getPorts().get(0);
      assertThat(port.getName()).isEqualTo("http");
      assertThat(port.getPort()).isEqualTo(SERVICE_PORT);
      assertThat(
              resolvePort(
                  container(docs),
                  port.getTargetPort().getStrVal(),
                  port.getTargetPort().getIntVal()))
          .isEqualTo(SERVICE_PORT);
    }
    int affinity = client.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds();
    assertThat(affinity)
        .as("a client stays on the replica that holds its predictions for feedback")
        .isGreaterThanOrEqualTo(riffleYaml(docs).path("feedback").path("ttlSeconds").asInt(3600));

    PodDisruptionBudget pdb =
        bind(docs, "PodDisruptionBudget", "riffle", PodDisruptionBudget.class);
    assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void podEnvironmentVolumesAndShutdown(String overlay) throws IOException {
    List<ObjectNode> docs = render(overlay);
    StatefulSet sts = bind(docs, "StatefulSet", "riffle", StatefulSet.class);
    PodSpec pod = sts.getSpec().getTemplate().getSpec();
    Container c = container(docs);
    Map<String, EnvVar> env =
        c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));

    assertThat(env.get("RIFFLE_DATA_DIR").getValue()).isEqualTo(DATA_DIR);
    assertThat(mount(c, "data").getMountPath()).isEqualTo(DATA_DIR);
    assertThat(sts.getSpec().getVolumeClaimTemplates())
        .singleElement()
        .satisfies(
            pvc -> {
              assertThat(pvc.getMetadata().getName()).isEqualTo("data");
              assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
              assertThat(pvc.getSpec().getResources().getRequests()).containsKey("storage");
            });

    assertThat(env.get("RIFFLE_CONFIG").getValue()).isEqualTo(CONFIG_FILE);
    VolumeMount config = mount(c, "config");
    assertThat(config.getReadOnly()).isTrue();
    var configVolume =
        pod.getVolumes().stream().filter(v -> v.getName().equals("config")).findFirst().get();
    assertThat(configVolume.getConfigMap().getName()).isEqualTo("riffle-config");
    assertThat(
            config.getMountPath() + "/" + configVolume.getConfigMap().getItems().get(0).getPath())
        .isEqualTo(CONFIG_FILE);
    assertThat(configVolume.getConfigMap().getItems().get(0).getKey()).isEqualTo("riffle.yaml");

    var kafka = env.get("RIFFLE_KAFKA_BOOTSTRAP_SERVERS").getValueFrom().getConfigMapKeyRef();
    ConfigMap cm = bind(docs, "ConfigMap", kafka.getName(), ConfigMap.class);
    assertThat(cm.getData()).containsKey(kafka.getKey());
    assertThat(cm.getData().get(kafka.getKey()))
        .matches("[A-Za-z0-9.-]+:[0-9]+(,[A-Za-z0-9.-]+:[0-9]+)*");

    var token = env.get("RIFFLE_ADMIN_TOKEN").getValueFrom().getSecretKeyRef();
    assertThat(token.getName()).isEqualTo("riffle-admin");
    assertThat(token.getKey()).isEqualTo("admin-token");
    if (overlay.equals("dev")) {
      Secret secret = bind(docs, "Secret", token.getName(), Secret.class);
      assertThat(secret.getData()).containsKey(token.getKey());
    }

    String jvm = env.get("JAVA_TOOL_OPTIONS").getValue();
    assertThat(jvm).contains("-XX:MaxRAMPercentage=").contains("-XX:+ExitOnOutOfMemoryError");
    assertThat(jvm).doesNotContain("-Xmx").as("heap follows the memory limit");
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits().get("memory"))
        .as("memory request = limit: the JVM sizes its heap from the limit")
        .isEqualTo(c.getResources().getRequests().get("memory"));

    assertThat(pod.getTerminationGracePeriodSeconds())
        .as("time to drain and write the final snapshot")
        .isGreaterThanOrEqualTo(60L);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getFsGroup())
        .as("the PVC is writable by the non-root user")
        .isEqualTo(pod.getSecurityContext().getRunAsUser());

    Map<String, String> annotations = sts.getSpec().getTemplate().getMetadata().getAnnotations();
    assertThat(annotations)
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", Integer.toString(SERVICE_PORT))
        .containsEntry("prometheus.io/path", "/metrics");
  }

  @Test
  void devRunsOneReplicaAndProdSeveralOnDistinctNodes() throws IOException {
    StatefulSet dev = bind(render("dev"), "StatefulSet", "riffle", StatefulSet.class);
    assertThat(dev.getSpec().getReplicas()).isEqualTo(1);

    StatefulSet prod = bind(render("prod"), "StatefulSet", "riffle", StatefulSet.class);
    assertThat(prod.getSpec().getReplicas()).isGreaterThan(1);
    List<PodAffinityTerm> antiAffinity =
        prod.getSpec()
            .getTemplate()
            .getSpec()
            .getAffinity()
            .getPodAntiAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution();
    assertThat(antiAffinity)
        .anySatisfy(
            term -> {
              assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
              LabelSelector sel = term.getLabelSelector();
              assertThat(prod.getSpec().getTemplate().getMetadata().getLabels())
                  .containsAllEntriesOf(sel.getMatchLabels());
            });
    assertThat(memoryLimitBytes(prod)).isGreaterThan(memoryLimitBytes(dev));
  }

  @Test
  void serviceMonitorScrapesMetricsOnTheHttpPortOfTheHeadlessService() throws IOException {
    List<ObjectNode> docs = render("prod");
    ServiceMonitor sm = bind(docs, "ServiceMonitor", "riffle", ServiceMonitor.class);
    assertThat(sm.getSpec().getEndpoints())
        .extracting(Endpoint::getPort, Endpoint::getPath)
        .containsExactly(tuple("http", "/metrics"));
    Map<String, String> selector = sm.getSpec().getSelector().getMatchLabels();
    List<String> selected = new ArrayList<>();
    for (ObjectNode doc : docs) {
      if (doc.path("kind").asText().equals("Service")) {
        Service s = (Service) StrictModel.parse(doc);
        if (s.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())) {
          selected.add(s.getMetadata().getName());
        }
      }
    }
    assertThat(selected).as("exactly one Service, or every pod is scraped twice").hasSize(1);
  }

  // ---------------------------------------------------------------- riffle.yaml

  /** The documented schema of riffle.yaml (all keys optional); RiffleConfig is the authority. */
  static final Map<String, Set<String>> SCHEMA =
      Map.of(
          "",
              Set.of(
                  "http",
                  "dataDir",
                  "adminToken",
                  "snapshots",
                  "ingest",
                  "feedback",
                  "models",
                  "kafka"),
          "http", Set.of("host", "port", "instances", "maxBodyBytes"),
          "snapshots", Set.of("keep"),
          "ingest", Set.of("queueCapacity", "batchSize"),
          "feedback", Set.of("cacheSize", "ttlSeconds"),
          "kafka", Set.of("bootstrapServers", "sources"));

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void configMapRiffleYamlFollowsTheSchemaAndMatchesThePod(String overlay) throws IOException {
    JsonNode cfg = riffleYaml(render(overlay));
    SCHEMA.forEach(
        (section, keys) -> {
          JsonNode node = section.isEmpty() ? cfg : cfg.path(section);
          node.fieldNames()
              .forEachRemaining(k -> assertThat(keys).as("key %s.%s", section, k).contains(k));
        });
    assertThat(cfg.path("http").path("host").asText()).isEqualTo("0.0.0.0");
    assertThat(cfg.path("http").path("port").asInt(SERVICE_PORT)).isEqualTo(SERVICE_PORT);
    assertThat(cfg.path("dataDir").asText(DATA_DIR)).isEqualTo(DATA_DIR);
    assertThat(cfg.has("adminToken"))
        .as("the token comes from the Secret, not the ConfigMap")
        .isFalse();
    assertThat(cfg.path("models").properties())
        .allSatisfy(m -> assertThat(m.getValue().path("kind").isTextual()).isTrue());
  }

  // ---------------------------------------------------------------- Dockerfile

  @Test
  void dockerfileBuildsTheImageTheManifestsRun() throws IOException {
    List<String[]> ins = dockerInstructions(ROOT.resolve("Dockerfile"));
    List<String> from = args(ins, "FROM");
    assertThat(from).hasSizeGreaterThanOrEqualTo(2);
    assertThat(from.get(0)).matches("eclipse-temurin:17[-.0-9a-z_]*-jdk[-a-z0-9.]* AS build");
    assertThat(from.get(from.size() - 1)).matches("eclipse-temurin:17[-.0-9a-z_]*-jre[-a-z0-9.]*");
    assertThat(args(ins, "RUN")).anyMatch(r -> r.contains("./mvnw -B -q package -DskipTests"));
    assertThat(args(ins, "COPY"))
        .contains("--from=build /src/service/target/riffle.jar /opt/riffle/riffle.jar");
    assertThat(args(ins, "EXPOSE")).containsExactly(Integer.toString(SERVICE_PORT));
    List<String> entrypoint = args(ins, "ENTRYPOINT");
    assertThat(entrypoint).hasSize(1);
    assertThat(new ObjectMapper().readValue(entrypoint.get(0), String[].class))
        .as("exec form, so java is PID 1 and receives SIGTERM")
        .containsExactly("java", "-jar", "/opt/riffle/riffle.jar");
    List<String> users = args(ins, "USER");
    assertThat(users).isNotEmpty();
    String user = users.get(users.size() - 1);
    assertThat(user).doesNotStartWith("root").doesNotStartWith("0");

    StatefulSet sts = bind(render("dev"), "StatefulSet", "riffle", StatefulSet.class);
    Long uid = sts.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser();
    assertThat(user).as("image user = runAsUser").isEqualTo(uid + ":" + uid);

    String image = imageName(Files.readString(ROOT.resolve("Dockerfile")));
    assertThat(image).isEqualTo("ghcr.io/riffle/riffle:0.1.0");
    for (String overlay : List.of("dev", "prod")) {
      assertThat(container(render(overlay)).getImage()).as(overlay).isEqualTo(image);
    }
    String version = image.substring(image.lastIndexOf(':') + 1);
    assertThat(args(ins, "LABEL"))
        .anyMatch(l -> l.contains("org.opencontainers.image.version=\"" + version + "\""));
  }

  @Test
  void dockerignoreKeepsTheBuildInputsAndDropsTheRest() throws IOException {
    List<String> lines =
        Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    assertThat(lines).contains(".git", "**/target");
    for (String needed : List.of("mvnw", ".mvn", "pom.xml", "service", "api", "config")) {
      assertThat(lines).as(needed).doesNotContain(needed, "/" + needed, needed + "/");
    }
  }

  // ---------------------------------------------------------------- Grafana

  /** The meters the service publishes (Prometheus names). */
  static final Set<String> RIFFLE_METERS =
      Set.of(
          "riffle_examples_ingested_total",
          "riffle_examples_rejected_total",
          "riffle_progressive_loss",
          "riffle_progressive_auc",
          "riffle_predict_latency_seconds_bucket",
          "riffle_learn_latency_seconds_bucket",
          "riffle_queue_depth",
          "riffle_snapshot_age_seconds",
          "riffle_snapshot_duration_seconds_bucket",
          "riffle_snapshot_duration_seconds_count",
          "riffle_snapshot_duration_seconds_sum",
          "riffle_snapshot_duration_seconds_max",
          "riffle_kafka_lag",
          "riffle_refinements_total",
          "riffle_refinement_duration_seconds_sum",
          "riffle_refinement_duration_seconds_count");

  static final Pattern OTHER_METERS = Pattern.compile("(jvm|process|http_server|vertx_http)_\\w+");

  @Test
  void grafanaDashboardQueriesOnlyKnownMeters() throws IOException {
    JsonNode dash =
        new ObjectMapper().readTree(K8S.resolve("grafana/riffle-dashboard.json").toFile());
    assertThat(dash.path("title").asText()).isNotBlank();
    assertThat(dash.path("uid").asText()).matches("[a-z0-9-]{1,40}");
    Map<String, JsonNode> vars = new HashMap<>();
    dash.path("templating").path("list").forEach(v -> vars.put(v.path("name").asText(), v));
    assertThat(vars.get("datasource").path("type").asText()).isEqualTo("datasource");
    assertThat(vars.get("datasource").path("query").asText()).isEqualTo("prometheus");
    assertThat(vars.get("model").path("type").asText()).isEqualTo("query");
    assertThat(vars.get("model").path("query").toString()).contains("riffle_");

    List<JsonNode> panels = new ArrayList<>();
    dash.path("panels").forEach(p -> collectPanels(p, panels));
    Set<String> used = new HashSet<>();
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : panels) {
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      String title = panel.path("title").asText();
      assertThat(ids.add(panel.path("id").asInt())).as("unique id: %s", title).isTrue();
      assertThat(panel.path("datasource").path("uid").asText())
          .as(title)
          .isEqualTo("${datasource}");
      assertThat(panel.path("targets")).as(title).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        assertThat(expr).as(title).isNotBlank();
        for (String metric : metricNames(expr)) {
          assertThat(RIFFLE_METERS.contains(metric) || OTHER_METERS.matcher(metric).matches())
              .as("%s: unknown meter %s in %s", title, metric, expr)
              .isTrue();
          used.add(metric);
        }
        if (expr.contains("riffle_")) {
          assertThat(expr).as(title).contains("model=~\"$model\"");
        }
      }
    }
    assertThat(used)
        .as("every meter has a panel")
        .containsAll(
            RIFFLE_METERS.stream().filter(m -> !m.startsWith("riffle_snapshot_duration")).toList())
        .anyMatch(m -> m.startsWith("riffle_snapshot_duration_seconds_"));
    String all = panels.toString();
    assertThat(all).contains("histogram_quantile(0.5").contains("histogram_quantile(0.99");
  }

  @Test
  void metricNameExtractionSkipsFunctionsLabelsAndKeywords() {
    assertThat(
            metricNames(
                "histogram_quantile(0.99, sum by (le, model) (rate(riffle_predict_latency_seconds_bucket{model=~\"$model\", x=\"a_b\"}[$__rate_interval])))"
                    + " / on(model) group_left sum without (pod) (riffle_queue_depth offset 5m) > bool 0"))
        .containsExactlyInAnyOrder("riffle_predict_latency_seconds_bucket", "riffle_queue_depth");
  }

  // ---------------------------------------------------------------- helpers

  static List<ObjectNode> render(String overlay) throws IOException {
    return Kustomize.render(K8S.resolve("overlays").resolve(overlay));
  }

  static JsonNode riffleYaml(List<ObjectNode> docs) throws IOException {
    ConfigMap cm = bind(docs, "ConfigMap", "riffle-config", ConfigMap.class);
    return Kustomize.YAML.readTree(cm.getData().get("riffle.yaml"));
  }

  private static Set<String> kinds(List<ObjectNode> docs) {
    return docs.stream()
        .map(d -> d.path("kind").asText() + "/" + d.path("metadata").path("name").asText())
        .collect(Collectors.toSet());
  }

  static ObjectNode find(List<ObjectNode> docs, String kind, String name) {
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals(kind))
        .filter(d -> d.path("metadata").path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + "/" + name));
  }

  static <T extends HasMetadata> T bind(
      List<ObjectNode> docs, String kind, String name, Class<T> type) {
    return type.cast(StrictModel.parse(find(docs, kind, name)));
  }

  static Container container(List<ObjectNode> docs) {
    StatefulSet sts = bind(docs, "StatefulSet", "riffle", StatefulSet.class);
    List<Container> cs = sts.getSpec().getTemplate().getSpec().getContainers();
    assertThat(cs).extracting(Container::getName).containsExactly("riffle");
    return cs.get(0);
  }

  private static void assertProbe(Container c, Probe probe, String path) {
    assertThat(probe).isNotNull();
    HTTPGetAction get = probe.getHttpGet();
    assertThat(get.getPath()).isEqualTo(path);
    assertThat(resolvePort(c, get.getPort().getStrVal(), get.getPort().getIntVal()))
        .isEqualTo(SERVICE_PORT);
  }

  /** A named port resolves through the container's ports, a number stands for itself. */
  private static int resolvePort(Container c, String name, Integer number) {
    if (number != null) {
      return number;
    }
    return c.getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + name))
        .getContainerPort();
  }

  private static VolumeMount mount(Container c, String volume) {
    return c.getVolumeMounts().stream()
        .filter(m -> m.getName().equals(volume))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no mount of " + volume));
  }

  private static long memoryLimitBytes(StatefulSet sts) {
    Container c = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
    return Quantity.getAmountInBytes(c.getResources().getLimits().get("memory")).longValueExact();
  }

  /** Dockerfile instructions as {keyword, arguments}, continuation lines joined. */
  static List<String[]> dockerInstructions(Path dockerfile) throws IOException {
    List<String[]> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : Files.readAllLines(dockerfile, StandardCharsets.UTF_8)) {
      String line = raw.strip();
      if (current.length() == 0 && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (line.startsWith("#")) {
        continue; // a comment inside a continued instruction
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String ins = current.toString().strip().replaceAll("\\s+", " ");
      current.setLength(0);
      int sp = ins.indexOf(' ');
      out.add(new String[] {ins.substring(0, sp).toUpperCase(), ins.substring(sp + 1)});
    }
    return out;
  }

  private static List<String> args(List<String[]> instructions, String keyword) {
    return instructions.stream().filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
  }

  /** The image the Dockerfile documents: its {@code docker build -t NAME .} line. */
  static String imageName(String dockerfile) {
    Matcher m = Pattern.compile("docker build -t (\\S+) \\.").matcher(dockerfile);
    assertThat(m.find()).as("Dockerfile documents its docker build -t line").isTrue();
    return m.group(1);
  }

  private static void collectPanels(JsonNode panel, List<JsonNode> out) {
    out.add(panel);
    panel.path("panels").forEach(p -> collectPanels(p, out));
  }

  private static final Set<String> PROMQL_WORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "offset",
          "bool",
          "and",
          "or",
          "unless",
          "inf",
          "nan");

  /**
   * The metric names a PromQL expression selects: identifiers that are not functions (followed by a
   * parenthesis), not keywords, not label names (inside braces or a by/without/on list), not in a
   * string and not a duration or a Grafana variable.
   */
  static Set<String> metricNames(String expr) {
    String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
    s = s.replaceAll("\\{[^}]*}", " ");
    s = s.replaceAll("\\[[^]]*]", " ");
    s = s.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    s = s.replaceAll("\\$\\w+", " ");
    Set<String> names = new HashSet<>();
    Matcher m = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*(\\s*\\()?").matcher(s);
    while (m.find()) {
      if (m.group(1) != null) {
        continue; // a function call
      }
      String word = m.group().strip();
      int before = m.start() - 1;
      boolean partOfNumber = before >= 0 && Character.isDigit(s.charAt(before));
      if (!PROMQL_WORDS.contains(word.toLowerCase()) && !partOfNumber) {
        names.add(word);
      }
    }
    return names;
  }

  private static Path repositoryRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("k8s").resolve("base"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no k8s/base above " + Path.of("").toAbsolutePath());
    }
    return p;
  }
}
