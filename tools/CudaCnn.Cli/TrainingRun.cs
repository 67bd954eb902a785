using System.Diagnostics;
using System.Globalization;
using CudaCnn.Data;
using CudaCnn.Graph;
using CudaCnn.Runtime;

namespace CudaCnn.Cli;

/// <summary>A progress report: after a step, or (<paramref name="EpochEnd"/>) with an epoch's test accuracy.</summary>
internal sealed record TrainingProgress(int Step, int TotalSteps, int Epoch, string Line, bool EpochEnd = false);

internal sealed record TrainingResult(int Steps, double Seconds, double ImagesPerSecond, double LastLoss, double TrainAccuracy,
    int TestImages, int TestImagesAvailable, double TestLoss, double TestAccuracy, IReadOnlyList<EpochResult> Epochs);

/// <summary>Test accuracy after a full epoch, with the training seconds spent so far (evaluation time excluded).</summary>
internal sealed record EpochResult(int Epoch, double TrainSeconds, double TestLoss, double TestAccuracy);

/// <summary>The training loop of <c>cudacnn train</c>: shuffled batches (seeded) for the epochs or steps asked, loss
/// and accuracy over a moving window, then the test set (or its first --eval-images, in whole batches) in evaluation mode.</summary>
internal sealed class TrainingRun(Trainer trainer, Dataset train, Dataset test, TrainSettings settings, TensorShape inputShape)
{
    public const int Window = 20;

    public TrainingResult Execute(Action<TrainingProgress>? report)
    {
        int batch = inputShape.N, perEpoch = train.Count / batch;
        if (perEpoch == 0) throw new ArgumentException($"--batch {batch} is larger than the {train.Count} training images");
        int epochs = settings.Epochs ?? (settings.Steps is { } s ? (s + perEpoch - 1) / perEpoch : 1);
        int total = Math.Min(settings.Steps ?? int.MaxValue, epochs * perEpoch);
        var images = new float[inputShape.Elements];
        var labels = new int[batch];
        var order = Enumerable.Range(0, train.Count).ToArray();
        var random = new Random(settings.Seed);
        var losses = new Queue<(float Loss, int Correct)>();
        using var x = new Tensor(trainer.Network.Ops.Gpu, inputShape);
        var clock = Stopwatch.StartNew();
        var epochResults = new List<EpochResult>();
        int step = 0;
        for (int epoch = 0; epoch < epochs && step < total; epoch++)
        {
            random.Shuffle(order);
            for (int b = 0; b < perEpoch && step < total; b++)
            {
                train.Gather(order.AsSpan(b * batch, batch), images, labels, inputShape.C, inputShape.H);
                x.Buffer.CopyFrom(images);
                trainer.Step(x, labels);
                step++;
                losses.Enqueue((trainer.ReadLoss(), trainer.CountCorrect()));
                if (losses.Count > Window) losses.Dequeue();
                report?.Invoke(new TrainingProgress(step, total, epoch + 1, Line(step, total, epoch + 1, epochs, losses, batch, clock.Elapsed.TotalSeconds)));
            }
            if (step % perEpoch == 0 && step < total)
            {
                clock.Stop();
                var (loss, accuracy, evaluated) = Evaluate();
                epochResults.Add(new EpochResult(epoch + 1, clock.Elapsed.TotalSeconds, loss, accuracy));
                report?.Invoke(new TrainingProgress(step, total, epoch + 1, string.Create(CultureInfo.InvariantCulture,
                    $"epoch {epoch + 1}: test accuracy {accuracy:P2} ({evaluated:N0} of {test.Count:N0} images) after {clock.Elapsed.TotalSeconds:F0} s of training"), EpochEnd: true));
                clock.Start();
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var (testLoss, testAccuracy, testImages) = Evaluate();
        if (step % perEpoch == 0) epochResults.Add(new EpochResult(epochResults.Count + 1, seconds, testLoss, testAccuracy));
        return new TrainingResult(step, seconds, step * batch / seconds, losses.Average(l => l.Loss),
            losses.Sum(l => l.Correct) / (double)(losses.Count * batch), testImages, test.Count, testLoss, testAccuracy, epochResults);
    }

    private (double Loss, double Accuracy, int Images) Evaluate()
    {
        int batch = inputShape.N, batches = Math.Min(test.Count, settings.EvalImages) / batch;
        if (batches == 0) return (double.NaN, double.NaN, 0);
        var images = new float[inputShape.Elements];
        var labels = new int[batch];
        var indices = new int[batch];
        using var x = new Tensor(trainer.Network.Ops.Gpu, inputShape);
        double loss = 0;
        int correct = 0;
        for (int b = 0; b < batches; b++)
        {
            for (int i = 0; i < batch; i++) indices[i] = b * batch + i;
            test.Gather(indices, images, labels, inputShape.C, inputShape.H);
            x.Buffer.CopyFrom(images);
            var (l, c) = trainer.Evaluate(x, labels);
            loss += l;
            correct += c;
        }
        return (loss / batches, correct / (double)(batches * batch), batches * batch);
    }

    private static string Line(int step, int total, int epoch, int epochs, Queue<(float Loss, int Correct)> window, int batch, double seconds) =>
        string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch}/{epochs} step {step}/{total}  loss {window.Average(l => l.Loss):F3}  acc {window.Sum(l => l.Correct) / (double)(window.Count * batch):P1}  {step * batch / seconds:G3} img/s");
}
