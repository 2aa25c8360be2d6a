using Microsoft.Extensions.DependencyInjection;
using Syncwarden.Configuration;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Runs;

namespace Syncwarden.IntegrationTests.Events;

/// <summary>
/// A real rsync run with watchers that misbehave: one blocks on its first event until the test lets it
/// go, one throws on every event. The run and a well-behaved watcher must not notice either.
/// </summary>
public sealed class RunEventHubTests
{
    private sealed class BlockingWatcher : IRunEventSubscriber, IDisposable
    {
        private readonly ManualResetEventSlim _gate = new(false);
        public List<RunEvent> Seen { get; } = [];
        public string Name => "blocking";

        public ValueTask HandleAsync(RunEvent runEvent, CancellationToken cancellationToken)
        {
            // Blocks the watcher's own thread, as a stuck synchronous call (a mail server that never answers) would.
            _gate.Wait(CancellationToken.None);
            lock (Seen)
            {
                Seen.Add(runEvent);
            }
            return ValueTask.CompletedTask;
        }

        public void Release() => _gate.Set();

        public void Dispose() => _gate.Dispose();
    }

    private sealed class ThrowingWatcher : IRunEventSubscriber
    {
        public int Calls;
        public string Name => "throwing";

        public ValueTask HandleAsync(RunEvent runEvent, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            throw new InvalidOperationException("watcher bug");
        }
    }

    // Progress events the blocked watcher may hold before the oldest are dropped.
    private const int BlockedCapacity = 4;

    [Fact]
    public async Task A_blocked_and_a_throwing_watcher_neither_slow_nor_change_a_run()
    {
        // Arrange: enough files, and a bandwidth limit that makes the run last a few seconds, for many progress
        // events (at most ten a second are published).
        using var dir = new TempDir("hub");
        var source = dir.CreateSubdirectory("src");
        var tree = new TreeBuilder(source);
        for (var i = 0; i < 400; i++)
        {
            tree.File($"d{i % 10}/f{i}.bin", 2000 + i);
        }
        var destination = dir.Combine("dst");
        var config = new SyncwardenConfig
        {
            SourceFile = dir.Combine("syncwarden.yaml"),
            StateDir = dir.CreateSubdirectory("state"),
            Jobs = [new JobConfig { Name = "many", Direction = Direction.Local, Bandwidth = 500, Syncs = [new SyncPair { Source = source + "/", Destination = destination }] }],
        };
        using var blocking = new BlockingWatcher();
        var throwing = new ThrowingWatcher();
        var recorder = new EventRecorder();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IRunEventSubscriber>(throwing);
        services.AddSyncwarden(config, () => new ConfigLoadResult(config, []));
        await using var provider = services.BuildServiceProvider();
        var hub = provider.GetRequiredService<RunEventHub>();
        await using var blocked = hub.Subscribe(blocking, progressCapacity: BlockedCapacity);
        // The recorder must see every event to count them: room for all of them.
        await using var recording = hub.Subscribe(recorder, progressCapacity: 1_000_000);

        // Act: the run ends while the blocking watcher is still stuck on its first event.
        var record = await provider.GetRequiredService<JobRunner>().RunAsync(config.Jobs[0]).WaitAsync(TimeSpan.FromMinutes(2));
        var finished = await recorder.WaitForAsync<RunFinished>();
        var blockedSawWhileRunning = blocking.Seen.Count;
        blocking.Release();
        await hub.StopAsync(TimeSpan.FromSeconds(30));

        // Assert
        record.Result.Should().Be(RunResult.Succeeded, record.Error);
        (await TreeComparer.DescribeDifferencesAsync(source, destination)).Should().BeEmpty();
        finished.Run.Should().Be(record);
        blockedSawWhileRunning.Should().Be(0, "its first event is still in its hands");
        throwing.Calls.Should().BeGreaterThan(2, "a watcher that throws keeps getting events");

        var all = recorder.Events.Where(e => e.Job == "many").ToList();
        var progress = all.OfType<RunProgressed>().Count();
        progress.Should().BeGreaterThan(BlockedCapacity, "the run reports progress several times a second");
        all.OfType<RunStarted>().Should().ContainSingle();
        all.Last().Should().BeOfType<RunFinished>();

        // The stuck watcher lost progress (the oldest beyond its capacity) but none of the run's lifecycle.
        var late = blocking.Seen.Where(e => e.Job == "many").ToList();
        late.Where(e => !e.MayDrop).Select(e => e.GetType().Name).Should().Equal(all.Where(e => !e.MayDrop).Select(e => e.GetType().Name));
        late.OfType<RunProgressed>().Count().Should().BeLessThanOrEqualTo(BlockedCapacity + 1);
    }
}
