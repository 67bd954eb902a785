#!/usr/bin/env bash
# CudaCnn build script (Linux twin of build.ps1).
#   ./build.sh setup          install NVRTC and the Fashion-MNIST dataset where missing
#   ./build.sh build          build the solution (Release)
#   ./build.sh test           setup + build + the whole test suite; ends with "N passed, N failed, N skipped"
#   ./build.sh run [-- ARGS]  run the cudacnn CLI (default command when ARGS is empty)
#   ./build.sh gpu-bundle     publish the CLI self-contained for linux-x64 into dist/cudacnn-linux-x64 (no .NET needed)
set -euo pipefail
cd "$(dirname "$0")"

CONFIG=Release
CLI_DLL="tools/CudaCnn.Cli/bin/$CONFIG/net10.0/CudaCnn.Cli.dll"
NONFREE_SOURCES=/etc/apt/sources.list.d/cudacnn-nonfree.sources
DATASET_DIR=/usr/share/datasets/fashion-mnist

log() { printf '[build] %s\n' "$*" >&2; }

have_nvrtc() { ldconfig -p 2>/dev/null | grep -q 'libnvrtc\.so'; }
have_dataset() { [ -f "$DATASET_DIR/train-images-idx3-ubyte.gz" ]; }

is_debian_root() { [ -f /etc/debian_version ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

apt_updated=0
apt_update_once() { [ "$apt_updated" = 1 ] || { apt-get update -qq; apt_updated=1; }; }

apt_candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }'; }

# libnvrtc11.2 lives in Debian's non-free component; add it in a file of our own, never editing the system's.
enable_nonfree() {
    local codename
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
    log "adding the contrib and non-free components in $NONFREE_SOURCES"
    cat > "$NONFREE_SOURCES" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: $codename $codename-updates
Components: contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt_updated=0
    apt_update_once
}

install_pkg() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }

setup() {
    if have_nvrtc && have_dataset; then
        log "setup: NVRTC and Fashion-MNIST already present"
        return
    fi
    if ! is_debian_root; then
        have_nvrtc || log "setup: NVRTC is missing. Install CUDA's NVRTC (Debian: 'apt-get install libnvrtc11.2' from non-free; elsewhere the CUDA toolkit or 'pip install nvidia-cuda-nvrtc-cu12'), or set CUDACNN_NVRTC_PATH to the library."
        have_dataset || log "setup: Fashion-MNIST is missing. Install 'dataset-fashion-mnist' (Debian) or pass --data-path to 'cudacnn train'."
        return
    fi
    apt_update_once
    if ! have_nvrtc; then
        if [ -z "$(apt_candidate libnvrtc11.2)" ] || [ "$(apt_candidate libnvrtc11.2)" = "(none)" ]; then
            enable_nonfree
        fi
        log "setup: installing libnvrtc11.2"
        install_pkg libnvrtc11.2
    fi
    if ! have_dataset; then
        log "setup: installing dataset-fashion-mnist"
        install_pkg dataset-fashion-mnist
    fi
}

build() {
    log "build: dotnet build CudaCnn.sln -c $CONFIG"
    dotnet build CudaCnn.sln -c "$CONFIG" -nologo -clp:ErrorsOnly -v:quiet
}

run_tests() {
    setup
    build
    local out status=0
    out=$(mktemp)
    dotnet test CudaCnn.sln -c "$CONFIG" --no-build -nologo 2>&1 | tee "$out" || status=$?
    # Each test project prints "Failed!/Passed!  - Failed: F, Passed: P, Skipped: S, Total: T".
    local summary
    summary=$(grep -E '(Passed|Failed)! +- Failed: ' "$out" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/' \
        | awk '{ f += $1; p += $2; s += $3; n++ } END { printf "%d %d %d %d", p, f, s, n }')
    rm -f "$out"
    read -r passed failed skipped projects <<<"$summary"
    if [ "$projects" -lt 2 ] && [ "$status" = 0 ]; then
        log "test: expected a summary from every test project, got $projects"
        status=1
    fi
    echo "$passed passed, $failed failed, $skipped skipped"
    return "$status"
}

run_cli() {
    build
    exec dotnet "$CLI_DLL" "$@"
}

# A folder a GPU machine without .NET can run: ./cudacnn info | check --device cuda | bench --device cuda.
gpu_bundle() {
    local out=dist/cudacnn-linux-x64
    log "gpu-bundle: publishing a trimmed self-contained linux-x64 CLI into $out"
    rm -rf "$out"
    dotnet publish tools/CudaCnn.Cli -c "$CONFIG" -r linux-x64 --self-contained -p:PublishTrimmed=true \
        -p:DebugType=none -nologo -v:quiet -o "$out"
    # The app host finds CudaCnn.Cli.dll by the name embedded in it, so it can carry the command's name.
    mv "$out/CudaCnn.Cli" "$out/cudacnn"
    log "gpu-bundle: $(du -sh "$out" | cut -f1) in $out; run $out/cudacnn info"
}

task=${1:-}
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
case "$task" in
    setup) setup ;;
    build) build ;;
    test) run_tests ;;
    run) run_cli "$@" ;;
    gpu-bundle) gpu_bundle ;;
    *) echo "usage: ./build.sh setup|build|test|run [-- ARGS]|gpu-bundle" >&2; exit 2 ;;
esac
