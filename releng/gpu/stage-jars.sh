# Sourced by the GPU scripts (verify.sh, compute-check.sh, llm.sh), which set $root and $carry first.
# gpu_jars NAME… sets jars to the built jar of each bundle dev.atelier.NAME, in that order, then the libraries every
# GPU check needs (gson, picocli, JCuda with its natives); a script appends any others it needs.
# stage_carry stages a JRE and $jars into $carry (replacing it) and makes $carry/classes for what the script compiles.
m2="$HOME/.m2/repository"
gpu_jars() {
  jars=()
  for b in "$@"; do
    jars+=("$root"/bundles/dev.atelier.$b/target/dev.atelier.$b-*[0-9T].jar)
  done
  jars+=("$m2/com/google/code/gson/gson/2.13.2/gson-2.13.2.jar" "$m2/info/picocli/picocli/4.7.7/picocli-4.7.7.jar"
         "$m2/org/jcuda/jcuda/12.6.0/jcuda-12.6.0.jar" "$m2/org/jcuda/jcuda-natives/12.6.0/jcuda-natives-12.6.0-linux-x86_64.jar")
}
stage_carry() {
  rm -rf "$carry"
  "$root/../shared/device/stage.sh" "$carry" "${jars[@]}"
  # Only the driver binding is used: drop JCuda's PTX compiler, NVRTC and runtime natives (25 MB).
  zip -q -d "$carry"/lib/jcuda-natives-*.jar 'lib/libJNvPTXCompiler*' 'lib/libJNvrtc*' 'lib/libJCudaRuntime*'
  mkdir -p "$carry/classes"
}
# The jars as a class path, for javac and java here.
class_path() {
  (IFS=:; echo "${jars[*]}")
}
