#!/usr/bin/env bash
# atelier doctor's GPU findings on a GPU host (DoctorMain: the checks without OSGi).
#   releng/gpu/doctor.sh prepare   here: compiles DoctorMain against the built bundles, stages a JRE and the jars into .carry/
#   releng/gpu/doctor.sh run       there: runs it; exits 1 when the driver, the GPUs or NVML are not found
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
carry="$root/.carry"
source "$root/releng/gpu/stage-jars.sh"
case "${1:-}" in
  prepare)
    gpu_jars core device device.cuda power compute kernels
    stage_carry
    "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/javac" --release 25 -d "$carry/classes" -cp "$(class_path)" "$root/releng/gpu/DoctorMain.java"
    du -sh "$carry"
    ;;
  run)
    nvidia-smi --query-gpu=name,driver_version --format=csv || true
    "$carry/jre/bin/java" --enable-native-access=ALL-UNNAMED -cp "$carry/lib/*:$carry/classes" DoctorMain
    ;;
  *) echo "usage: releng/gpu/doctor.sh prepare|run" >&2; exit 2 ;;
esac
