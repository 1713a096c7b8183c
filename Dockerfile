# syntax=docker/dockerfile:1
#
# Riffle service image. Build from the repository root:
#   docker build -t ghcr.io/riffle/riffle:0.1.0 .
# The k8s manifests (k8s/base/kustomization.yaml, images:) run exactly this name and tag.
#
# Run it locally (the service listens on 0.0.0.0 only when an admin token is set):
#   docker run --rm -p 8080:8080 -e RIFFLE_ADMIN_TOKEN=change-me ghcr.io/riffle/riffle:0.1.0

# ---- build: the whole reactor, tests skipped (they run in CI, not in the image build)
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
# the cache mount keeps ~/.m2 (and the Maven the wrapper downloads) between builds
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q package -DskipTests \
 && test -f service/target/riffle.jar

# ---- runtime: JRE only, unprivileged
FROM eclipse-temurin:17-jre
LABEL org.opencontainers.image.title="riffle" \
      org.opencontainers.image.description="Riffle streaming online-learning service" \
      org.opencontainers.image.version="0.1.0"
# uid/gid 10001 = runAsUser/fsGroup in k8s/base/statefulset.yaml
RUN groupadd --system --gid 10001 riffle \
 && useradd --system --uid 10001 --gid riffle --home-dir /opt/riffle --no-create-home \
      --shell /usr/sbin/nologin riffle \
 && mkdir -p /opt/riffle /var/lib/riffle /etc/riffle \
 && chown riffle:riffle /var/lib/riffle
COPY --from=build /src/service/target/riffle.jar /opt/riffle/riffle.jar
# JavaCPP unpacks ND4J's natives (dense L-BFGS refinement, riffle-nd4j) on first use: /tmp, as
# the user has no home directory
ENV RIFFLE_DATA_DIR=/var/lib/riffle \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp"
WORKDIR /opt/riffle
USER 10001:10001
EXPOSE 8080
# exec form: java is PID 1 and gets SIGTERM directly (final snapshot on shutdown)
ENTRYPOINT ["java","-jar","/opt/riffle/riffle.jar"]
