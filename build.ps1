# CudaCnn build script (Windows/PowerShell twin of build.sh).
#   ./build.ps1 setup          report what is missing (NVRTC, Fashion-MNIST); installs nothing on Windows
#   ./build.ps1 build          build the solution (Release)
#   ./build.ps1 test           setup + build + the whole test suite; ends with "N passed, N failed, N skipped"
#   ./build.ps1 run [-- ARGS]  run the cudacnn CLI (default command when ARGS is empty)
#   ./build.ps1 gpu-bundle     publish the CLI self-contained for linux-x64 into dist/cudacnn-linux-x64 (no .NET needed)
param([Parameter(Position = 0)][string]$Task, [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

$Config = 'Release'
$CliDll = "tools/CudaCnn.Cli/bin/$Config/net10.0/CudaCnn.Cli.dll"

function Write-Log([string]$Message) { [Console]::Error.WriteLine("[build] $Message") }

function Test-Nvrtc {
    if ($env:CUDACNN_NVRTC_PATH -and (Test-Path $env:CUDACNN_NVRTC_PATH)) { return $true }
    $dirs = @($env:PATH -split [IO.Path]::PathSeparator)
    if ($env:CUDA_PATH) { $dirs += Join-Path $env:CUDA_PATH 'bin'; $dirs += Join-Path $env:CUDA_PATH 'lib64' }
    foreach ($d in $dirs) {
        if ($d -and (Test-Path $d) -and (Get-ChildItem $d -Filter 'nvrtc64_*.dll' -ErrorAction SilentlyContinue)) { return $true }
        if ($d -and (Test-Path $d) -and (Get-ChildItem $d -Filter 'libnvrtc.so*' -ErrorAction SilentlyContinue)) { return $true }
    }
    if ($IsLinux) { return [bool](& ldconfig -p 2>$null | Select-String 'libnvrtc\.so') }
    return $false
}

function Invoke-Setup {
    if ($IsLinux -and (Get-Command bash -ErrorAction SilentlyContinue)) { & bash ./build.sh setup; return }
    if (-not (Test-Nvrtc)) {
        Write-Log 'setup: NVRTC is missing. Install the CUDA toolkit (NVRTC component) or "pip install nvidia-cuda-nvrtc-cu12", or set CUDACNN_NVRTC_PATH to nvrtc64_*.dll.'
    } else { Write-Log 'setup: NVRTC found' }
    Write-Log 'setup: for the training demo, download Fashion-MNIST (IDX files) and pass --data-path to "cudacnn train".'
}

function Invoke-Build {
    Write-Log "build: dotnet build CudaCnn.sln -c $Config"
    & dotnet build CudaCnn.sln -c $Config -nologo -clp:ErrorsOnly -v:quiet
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Test {
    Invoke-Setup
    Invoke-Build
    $output = & dotnet test CudaCnn.sln -c $Config --no-build -nologo 2>&1 | Tee-Object -Variable lines
    $status = $LASTEXITCODE
    $passed = 0; $failed = 0; $skipped = 0; $projects = 0
    foreach ($line in $lines) {
        if ("$line" -match '(Passed|Failed)! +- Failed: *(\d+), Passed: *(\d+), Skipped: *(\d+)') {
            $failed += [int]$Matches[2]; $passed += [int]$Matches[3]; $skipped += [int]$Matches[4]; $projects++
        }
    }
    if ($projects -lt 2 -and $status -eq 0) { Write-Log "test: expected a summary from every test project, got $projects"; $status = 1 }
    Write-Output "$passed passed, $failed failed, $skipped skipped"
    exit $status
}

function Invoke-Run([string[]]$CliArgs) {
    Invoke-Build
    & dotnet $CliDll @CliArgs
    exit $LASTEXITCODE
}

function Invoke-GpuBundle {
    $out = 'dist/cudacnn-linux-x64'
    Write-Log "gpu-bundle: publishing a trimmed self-contained linux-x64 CLI into $out"
    if (Test-Path $out) { Remove-Item -Recurse -Force $out }
    & dotnet publish tools/CudaCnn.Cli -c $Config -r linux-x64 --self-contained -p:PublishTrimmed=true -p:DebugType=none -nologo -v:quiet -o $out
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    # The app host finds CudaCnn.Cli.dll by the name embedded in it, so it can carry the command's name.
    Move-Item "$out/CudaCnn.Cli" "$out/cudacnn"
    Write-Log "gpu-bundle: done; run $out/cudacnn info on the GPU machine"
}

if ($Rest -and $Rest[0] -eq '--') { $Rest = $Rest[1..($Rest.Length)] | Where-Object { $_ -ne $null } }
switch ($Task) {
    'setup' { Invoke-Setup }
    'build' { Invoke-Build }
    'test' { Invoke-Test }
    'run' { Invoke-Run $Rest }
    'gpu-bundle' { Invoke-GpuBundle }
    default { [Console]::Error.WriteLine('usage: ./build.ps1 setup|build|test|run [-- ARGS]|gpu-bundle'); exit 2 }
}
