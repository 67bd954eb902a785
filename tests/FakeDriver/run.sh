#!/usr/bin/env bash
# Runs the [GpuFact] CudaGpu tests against fake_libcuda.c (a host-memory stand-in for the driver), to check
# CudaGpu's marshalling where no GPU exists. Needs gcc. Usage: tests/FakeDriver/run.sh [ARTIFACTS_PATH]
set -euo pipefail
cd "$(dirname "$0")/../.."
artifacts=${1:-/tmp/cudacnn-fake-driver-artifacts}
lib_dir=$(mktemp -d)
trap 'rm -rf "$lib_dir"' EXIT
gcc -shared -fPIC -O1 -o "$lib_dir/libcuda.so.1" tests/FakeDriver/fake_libcuda.c -lm
CUDACNN_CUDA_DRIVER_PATH="$lib_dir/libcuda.so.1" CUDACNN_REQUIRE_GPU=1 \
    dotnet test tests/CudaCnn.Tests --artifacts-path "$artifacts" \
    --filter "FullyQualifiedName~CudaGpuTests|FullyQualifiedName~CudaElementwiseTests"
