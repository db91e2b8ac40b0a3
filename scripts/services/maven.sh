# Sourced by the service scripts that run a Java server from Maven Central
# jars (Neo4j, ElasticMQ). The sourcing script defines log and die.

DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

# maven_jars GROUP ARTIFACT VERSION CACHE_DIR LIB_DIR writes a one-dependency
# pom into CACHE_DIR and copies the artifact's runtime closure into LIB_DIR,
# replacing it only once the download is complete (a killed download leaves
# the old set or none, never half of one).
maven_jars() {
  local group=$1 artifact=$2 version=$3 cache=$4 lib=$5
  command -v mvn >/dev/null || die "mvn not found (needed once to download $artifact $version; apt-get install maven)"
  cat >"$cache/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.stylegraph</groupId>
  <artifactId>$artifact-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>$group</groupId>
      <artifactId>$artifact</artifactId>
      <version>$version</version>
    </dependency>
  </dependencies>
</project>
POM
  rm -rf "$lib.tmp"
  if ! mvn -B -q -f "$cache/pom.xml" "$DEPENDENCY_PLUGIN:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$lib.tmp" >"$cache/mvn.log" 2>&1; then
    tail -n 40 "$cache/mvn.log" >&2
    die "maven download failed (full log: $cache/mvn.log)"
  fi
  [[ -f "$lib.tmp/$artifact-$version.jar" ]] || die "$artifact-$version.jar missing after download"
  rm -rf "$lib" && mv "$lib.tmp" "$lib"
}
