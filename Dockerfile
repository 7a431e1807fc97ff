# syntax=docker/dockerfile:1
#
# The Hookline image: one image for every role, the role is the command.
#
#   docker build -t hookline .
#   docker run --rm -e HOOKLINE_KAFKA_BOOTSTRAP_SERVERS=... -e HOOKLINE_DB_URL=... hookline worker
#
# Roles: admin-api | router | worker (also: up, publish <type> --data ..., help).
# Configuration: HOOKLINE_* environment variables, see docs/configuration.md.
# JVM flags: JAVA_TOOL_OPTIONS (read by the JVM itself), e.g. -e JAVA_TOOL_OPTIONS=-Xmx1g.

# ---- build: the same command as ./hookline uses, on a JDK 21 ----
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
# The Maven repository lives in a BuildKit cache, so a rebuild after a source change
# does not download the dependencies again.
RUN --mount=type=cache,target=/root/.m2 \
    chmod +x mvnw && ./mvnw -B -q -DskipTests package

# ---- runtime: a JRE, the application jar and its runtime libraries, nothing else ----
FROM eclipse-temurin:21-jre

# The health check below uses curl; the Temurin images ship it today, install it if a later one does not.
RUN if ! command -v curl >/dev/null 2>&1; then \
      apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*; \
    fi

# A fixed numeric uid, so orchestrators can check "runs as non-root" without resolving names.
RUN groupadd --system --gid 10001 hookline \
    && useradd --system --uid 10001 --gid hookline --home-dir /data --no-create-home --shell /usr/sbin/nologin hookline \
    && mkdir -p /data && chown hookline:hookline /data

WORKDIR /app
# Libraries first: they change less often than the application jar.
COPY --from=build /src/app/target/lib/ /app/lib/
COPY --from=build /src/app/target/hookline-app.jar /app/hookline-app.jar

# The router keeps its Kafka Streams state under HOOKLINE_DATA_DIR/router-state, and `up`
# keeps everything there: a directory the non-root user owns (mount a volume on it to keep it).
ENV HOOKLINE_DATA_DIR=/data

USER 10001:10001
EXPOSE 8080

# Every role answers GET /health on HOOKLINE_HTTP_PORT (200 when up, 503 when not).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${HOOKLINE_HTTP_PORT:-8080}/health" || exit 1

# The java launcher expands the lib/* wildcard itself, so exec form works without a shell.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-cp", "/app/hookline-app.jar:/app/lib/*", "dev.hookline.app.Main"]
CMD ["help"]
