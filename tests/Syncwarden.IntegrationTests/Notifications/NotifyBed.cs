using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Notifications;

/// <summary>One local job "nightly" whose source can be made to vanish (a real rsync failure) and come back.</summary>
internal sealed class NotifyBed : IDisposable
{
    public NotifyBed(string topLevel, string jobExtra = "")
    {
        Dir = new TempDir("notify");
        Source = Dir.Combine("src");
        Destination = Dir.CreateSubdirectory("replica");
        CreateSource();
        Config = new TestConfig(Dir) { LogLevel = "info" }.TopLevel(topLevel);
        Config.Pair("nightly", "local", Source + "/", Destination, jobExtra);
    }

    public TempDir Dir { get; }
    public string Source { get; }
    public string Destination { get; }
    public TestConfig Config { get; }

    public void CreateSource() => new TreeBuilder(Source).File("a.txt", 1000).File("b/c.bin", 20_000).File("d.txt", 10);

    public void RemoveSource() => Directory.Delete(Source, recursive: true);

    public Task<ProcessResult> RunAsync() => Config.RunCliAsync("run", "nightly", "--no-progress");

    public void Dispose() => Dir.Dispose();
}
