using System.CommandLine;
using System.Globalization;
using CudaCnn.Data;
using CudaCnn.Graph;
using CudaCnn.Models;
using CudaCnn.Ops;
using CudaCnn.Runtime;
using CudaCnn.Sim;
using Spectre.Console;

namespace CudaCnn.Cli;

/// <summary>
/// <c>cudacnn train --model M --device D --batch B --steps N [--epochs E] [--data fashion-mnist|synthetic] ...</c>:
/// trains a model with a progress bar (loss, accuracy, images/s) and reports test accuracy on Fashion-MNIST.
/// </summary>
internal static class TrainCommand
{
    public const string Name = "train";
    private static readonly string[] ModelNames = ["lenet5", "lenet5-tanh", "lenet5-sigmoid", "alexnet", "vgg16", "resnet18", "resnet34", "resnet50"];
    private static readonly string[] DeviceNames = ["auto", "cpu", "cuda", "sim"];

    /// <summary>The demo's length: LeNet-5 sees 19,200 images (about a third of an epoch), which takes a minute or two
    /// on a 2-core CPU with the reference backend and lifts test accuracy from 10% to above 80%.</summary>
    private const int DemoSteps = 300;

    /// <summary>Test images evaluated on the software GPU unless --eval-images says otherwise: its interpreter evaluates
    /// LeNet-5 at about 17 images/s on 2 loaded cores, so the 10,000 test images would take ten minutes; 256 take 15 s.</summary>
    private const int SimEvalImages = 256;

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "lenet5 (the ReLU variant), lenet5-tanh, lenet5-sigmoid, alexnet, vgg16, resnet18, resnet34, resnet50", DefaultValueFactory = _ => "lenet5" };
        model.AcceptOnlyFromAmong(ModelNames);
        var device = new Option<string>("--device") { Description = "cpu (the reference backend), cuda, sim, or auto (cuda when present, else cpu)", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong(DeviceNames);
        var batch = new Option<int>("--batch") { Description = "images per step", DefaultValueFactory = _ => 64 };
        var steps = new Option<int?>("--steps") { Description = $"stop after this many steps (default {DemoSteps} when --epochs is not given either)" };
        var epochs = new Option<int?>("--epochs") { Description = "passes over the training set" };
        var data = new Option<string?>("--data") { Description = "fashion-mnist or synthetic (default: fashion-mnist)" };
        data.AcceptOnlyFromAmong("fashion-mnist", "synthetic");
        var dataPath = new Option<string?>("--data-path") { Description = $"folder with the Fashion-MNIST IDX files (default {FashionMnist.DefaultDirectory})" };
        var imageSize = new Option<int?>("--image-size") { Description = "input side for alexnet/vgg/resnet (default: the model's, 227 or 224)" };
        var lr = new Option<double?>("--lr") { Description = "learning rate (default: 1e-3 for adam, 0.01 for sgd and rmsprop)" };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd (momentum 0.9), adam or rmsprop", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong("sgd", "adam", "rmsprop");
        var seed = new Option<int>("--seed") { Description = "seeds initialization, shuffling, dropout and synthetic data", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "print one JSON object at the end instead of a progress bar" };
        var evalImages = new Option<int?>("--eval-images") { Description = $"evaluate at most this many test images, in whole batches; 0 skips evaluation (default: all, or {SimEvalImages} on --device sim)" };
        var command = new Command(Name, "train a model (LeNet-5 on Fashion-MNIST by default)")
            { model, device, batch, steps, epochs, data, dataPath, imageSize, lr, optimizer, seed, json, evalImages };
        command.SetAction(r => Run(new TrainSettings(r.GetValue(model)!, r.GetValue(device)!, r.GetValue(batch),
            r.GetValue(steps) ?? (r.GetValue(epochs) is null ? DemoSteps : null), r.GetValue(epochs), r.GetValue(data) ?? "fashion-mnist", r.GetValue(dataPath), r.GetValue(imageSize), r.GetValue(lr),
            r.GetValue(optimizer)!, r.GetValue(seed), r.GetValue(json),
            r.GetValue(evalImages) ?? (r.GetValue(device) == "sim" ? SimEvalImages : int.MaxValue))));
        return command;
    }

    private static int Run(TrainSettings s)
    {
        if (s.Batch < 1 || s.Steps is < 1 || s.Epochs is < 1 || s.EvalImages < 0)
        {
            Console.Error.WriteLine($"cudacnn train: --batch, --steps and --epochs must be positive and --eval-images not negative (batch {s.Batch}, steps {s.Steps}, epochs {s.Epochs}, eval-images {s.EvalImages})");
            return 2;
        }
        IOps ops;
        string why;
        try
        {
            ops = OpenBackend(s.Device, out why);
        }
        catch (NotSupportedException e)
        {
            Console.Error.WriteLine($"cudacnn train: {e.Message}");
            return 2;
        }
        if (!s.Json) AnsiConsole.MarkupLine($"[grey]backend: {Markup.Escape(why)}[/]");

        Dataset train, test;
        var (module, channels, side) = BuildModel(s);
        try
        {
            (train, test) = LoadData(s, channels, side);
        }
        catch (FileNotFoundException e)
        {
            Console.Error.WriteLine($"cudacnn train: {e.Message}");
            (ops as IDisposable)?.Dispose();
            ops.Gpu.Dispose();
            return 2;
        }

        using var device = ops.Gpu;
        // Disposed before the device: KernelOps frees its scratch and kernel library there.
        using var kernelOps = ops as IDisposable;
        var inputShape = new TensorShape(s.Batch, channels, side, side);
        Network network;
        try
        {
            network = Network.Build(module, ops, inputShape, (ulong)s.Seed);
        }
        catch (Exception e) when (e is InsufficientMemoryException or ArgumentException)
        {
            Console.Error.WriteLine($"cudacnn train: {e.Message}");
            return 2;
        }
        using var built = network;
        using var trainer = new Trainer(network, CreateOptimizer(s, network));
        var run = new TrainingRun(trainer, train, test, s, inputShape);
        var result = s.Json ? run.Execute(null) : RunWithProgress(run, s);

        if (s.Json) WriteJson(s, why, ops, module, result);
        else WriteSummary(s, ops, module, result);
        return 0;
    }

    private static IOps OpenBackend(string name, out string why)
    {
        switch (name)
        {
            case "cpu":
                why = "cpu: the CPU reference (requested)";
                return new ReferenceOps(new HostMemoryDevice());
            case "sim":
                why = "sim: KernelOps on the software GPU (requested; checkers off for speed)";
                return new KernelOps(new SimGpu(new SimOptions { Checkers = SimCheckers.None }));
            case "cuda":
                if (!CudaGpu.TryProbe(out string missing))
                    throw new NotSupportedException($"--device cuda: no CUDA device ({missing}); use --device sim or cpu");
                why = "cuda: KernelOps on the CUDA device (requested)";
                return new KernelOps(CudaGpu.Open());
            case "auto":
                if (CudaGpu.TryProbe(out string reason))
                {
                    why = "auto: a CUDA device is present; KernelOps on CUDA";
                    return new KernelOps(CudaGpu.Open());
                }
                why = $"auto: no CUDA device ({reason}); using the CPU reference";
                return new ReferenceOps(new HostMemoryDevice());
            default:
                throw new NotSupportedException($"--device {name}: unknown; expected cuda, sim, cpu or auto");
        }
    }

    private static (Module Model, int Channels, int Side) BuildModel(TrainSettings s) => s.Model switch
    {
        "lenet5" => (LeNet5.Create(LeNetActivation.ReLU), 1, LeNet5.ImageSize),
        "lenet5-tanh" => (LeNet5.Create(LeNetActivation.Tanh), 1, LeNet5.ImageSize),
        "lenet5-sigmoid" => (LeNet5.Create(LeNetActivation.Sigmoid), 1, LeNet5.ImageSize),
        "alexnet" => (AlexNet.Create(Classes(s), imageSize: s.ImageSize ?? AlexNet.ImageSize), 3, s.ImageSize ?? AlexNet.ImageSize),
        "vgg16" => (Vgg16.Create(Classes(s), imageSize: s.ImageSize ?? Vgg16.ImageSize), 3, s.ImageSize ?? Vgg16.ImageSize),
        "resnet18" => (ResNet.ResNet18(Classes(s)), 3, s.ImageSize ?? ResNet.ImageSize),
        "resnet34" => (ResNet.ResNet34(Classes(s)), 3, s.ImageSize ?? ResNet.ImageSize),
        "resnet50" => (ResNet.ResNet50(Classes(s)), 3, s.ImageSize ?? ResNet.ImageSize),
        _ => throw new ArgumentOutOfRangeException(nameof(s), s.Model, "unknown model"),
    };

    /// <summary>Fashion-MNIST has 10 classes; synthetic data stands in for ImageNet's 1000, except for LeNet-5,
    /// whose output layer is fixed at 10.</summary>
    private static int Classes(TrainSettings s) =>
        s.Data == "synthetic" && !s.Model.StartsWith("lenet5", StringComparison.Ordinal) ? 1000 : 10;

    private static (Dataset Train, Dataset Test) LoadData(TrainSettings s, int channels, int side)
    {
        if (s.Data == "synthetic")
        {
            int count = Math.Max(s.Batch * 4, 256);
            return (SyntheticImages.Create(count, channels, side, Classes(s), s.Seed), SyntheticImages.Create(s.Batch, channels, side, Classes(s), s.Seed + 1));
        }
        return (FashionMnist.LoadTrain(s.DataPath), FashionMnist.LoadTest(s.DataPath));
    }

    private static Optimizer CreateOptimizer(TrainSettings s, Network network) => s.Optimizer switch
    {
        "sgd" => new Sgd(network, new SgdParams(s.LearningRate ?? 0.01, momentum: 0.9)),
        "rmsprop" => new RmsProp(network, new RmsPropParams(s.LearningRate ?? 0.01)),
        _ => new Adam(network, new AdamParams(s.LearningRate ?? 1e-3)),
    };

    private static TrainingResult RunWithProgress(TrainingRun run, TrainSettings s)
    {
        // Redirected output gets a line every 50 steps and at each epoch's end instead of a live bar.
        if (Console.IsOutputRedirected) return run.Execute(p => { if (p.Step % 50 == 0 || p.Step == p.TotalSteps || p.EpochEnd) Console.WriteLine(p.Line); });
        TrainingResult? result = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask($"{s.Model}", maxValue: 1);
                result = run.Execute(p =>
                {
                    if (p.EpochEnd) AnsiConsole.MarkupLine(Markup.Escape(p.Line));
                    task.MaxValue = p.TotalSteps;
                    task.Value = p.Step;
                    task.Description = Markup.Escape(p.Line);
                });
            });
        return result!;
    }

    private static void WriteSummary(TrainSettings s, IOps ops, Module module, TrainingResult r)
    {
        AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{s.Model} on {ops.Backend} ({module.ParameterCount():N0} parameters): {r.Steps} steps of {s.Batch} in {r.Seconds:F1} s, {r.ImagesPerSecond:G3} images/s"));
        AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train: loss {r.LastLoss:F4}, accuracy {r.TrainAccuracy:P1} (last {TrainingRun.Window} steps); {TestSummary(r, s.Batch)}"));
    }

    /// <summary>How much of the test set the accuracy covers (whole batches, at most --eval-images), so a capped
    /// evaluation is not read as the full one.</summary>
    private static string TestSummary(TrainingResult r, int batch) => r.TestImages == 0
        ? string.Create(CultureInfo.InvariantCulture, $"test: not evaluated (--eval-images below one batch of {batch}, or 0)")
        : string.Create(CultureInfo.InvariantCulture,
            $"test ({r.TestImages:N0} of {r.TestImagesAvailable:N0} images): loss {r.TestLoss:F4}, accuracy {r.TestAccuracy:P2}");

    private static void WriteJson(TrainSettings s, string why, IOps ops, Module module, TrainingResult r) =>
        JsonOutput.WriteArray([r], (w, x) =>
        {
            w.WriteString("model", s.Model);
            w.WriteString("backend", ops.Backend);
            w.WriteString("backend_reason", why);
            w.WriteString("data", s.Data);
            w.WriteNumber("parameters", module.ParameterCount());
            w.WriteNumber("batch", s.Batch);
            w.WriteNumber("steps", x.Steps);
            w.WriteNumber("seconds", x.Seconds);
            w.WriteNumber("images_per_second", x.ImagesPerSecond);
            w.WriteNumberOrNull("train_loss", x.LastLoss);
            w.WriteNumberOrNull("train_accuracy", x.TrainAccuracy);
            w.WriteNumber("test_images", x.TestImages);
            w.WriteNumber("test_images_available", x.TestImagesAvailable);
            w.WriteNumberOrNull("test_loss", x.TestLoss);
            w.WriteNumberOrNull("test_accuracy", x.TestAccuracy);
            w.WriteStartArray("epochs");
            foreach (var e in x.Epochs)
            {
                w.WriteStartObject();
                w.WriteNumber("epoch", e.Epoch);
                w.WriteNumber("train_seconds", e.TrainSeconds);
                w.WriteNumberOrNull("test_loss", e.TestLoss);
                w.WriteNumberOrNull("test_accuracy", e.TestAccuracy);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
}

internal sealed record TrainSettings(string Model, string Device, int Batch, int? Steps, int? Epochs, string Data, string? DataPath,
    int? ImageSize, double? LearningRate, string Optimizer, int Seed, bool Json, int EvalImages);
