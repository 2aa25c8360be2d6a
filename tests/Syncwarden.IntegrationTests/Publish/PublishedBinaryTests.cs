using System.Text.Json;
using System.Text.RegularExpressions;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Publish;

/// <summary>
/// The single file that scripts/install copies is all a machine needs: a NativeAOT executable that loads nothing but
/// glibc, with no .NET runtime to find and SQLite compiled in.
/// </summary>
public sealed partial class PublishedBinaryTests
{
    // What any C program on the machine loads; a .NET host would add libstdc++, libcoreclr or libhostfxr, a bundled
    // SQLite libe_sqlite3.so and the system's libsqlite3.so.0.
    private static readonly string[] s_glibc = ["linux-vdso.so.1", "ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6"];

    [Fact]
    public async Task Published_binary_is_one_native_executable_that_needs_only_glibc()
    {
        // Arrange
        var published = await PublishedBinary.GetAsync();
        using var dir = new TempDir("published");
        var binary = CopyAlone(published, dir);

        // Act
        var ldd = await TestProcess.RunAsync("ldd", [binary]);
        var version = await RunWithoutDotnetAsync(binary, ["--version"], traceLibraries: true);

        // Assert
        Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(published)!).Select(Path.GetFileName).Should().Equal("syncwarden");
        var header = new byte[4];
        using (var file = File.OpenRead(binary))
        {
            file.ReadExactly(header);
        }
        header.Should().Equal([0x7F, (byte)'E', (byte)'L', (byte)'F'], "a native ELF executable, not a script or an assembly");
        ldd.ExitCode.Should().Be(0, ldd.ToString());
        // One line per library: "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)", "/lib64/ld-linux-x86-64.so.2 (0x...)".
        ldd.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => Path.GetFileName(line.Split(' ')[0])).Should().BeSubsetOf(s_glibc, ldd.StandardOutput);
        version.ExitCode.Should().Be(0, version.ToString());
        version.StandardOutput.Should().MatchRegex(@"^\d+\.\d+\.\d+");
        LoadedLibraries(version).Should().BeSubsetOf(s_glibc, "nothing is looked up at run time: no libcoreclr, no libhostfxr");
    }

    [Fact]
    public async Task Published_binary_alone_checks_runs_a_job_and_reads_its_history_from_the_sqlite_inside_it()
    {
        // Arrange: the binary alone in an empty directory; .NET's directory is hidden when it runs (RunWithoutDotnetAsync).
        var published = await PublishedBinary.GetAsync();
        using var dir = new TempDir("published");
        var binary = CopyAlone(published, dir);
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("a.txt", 1000);
        var config = new TestConfig(dir).Job("copy", $$"""
            direction: local
            syncs: [ { source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(dir.Combine("dst"))}} } ]
            """);
        config.Write();

        // Act
        var check = await RunWithoutDotnetAsync(binary, ["-c", config.ConfigPath, "check"]);
        var run = await RunWithoutDotnetAsync(binary, ["-c", config.ConfigPath, "run", "--no-progress"]);
        var history = await RunWithoutDotnetAsync(binary, ["-c", config.ConfigPath, "history", "--json"], traceLibraries: true);

        // Assert
        check.ExitCode.Should().Be(0, check.ToString());
        check.StandardOutput.Should().Contain("OK, 1 job(s): copy");
        run.ExitCode.Should().Be(0, run.ToString());
        Directory.EnumerateFiles(dir.Combine("dst"), "a.txt", SearchOption.AllDirectories).Should().ContainSingle()
            .Which.Should().Match(f => new FileInfo(f).Length == 1000);
        history.ExitCode.Should().Be(0, history.ToString());
        var runs = JsonDocument.Parse(history.StandardOutput).RootElement;
        runs.GetArrayLength().Should().Be(1);
        runs[0].GetProperty("job").GetString().Should().Be("copy");
        runs[0].GetProperty("result").GetString().Should().Be("succeeded");
        runs[0].GetProperty("filesTransferred").GetInt64().Should().Be(1);
        File.Exists(Path.Combine(config.StateDir, "history.db")).Should().BeTrue();
        LoadedLibraries(history).Should().BeSubsetOf(s_glibc, "SQLite is linked in: no libsqlite3.so was even looked for");
    }

    private static string CopyAlone(string published, TempDir dir)
    {
        var binary = Path.Combine(dir.CreateSubdirectory("bin"), "syncwarden");
        File.Copy(published, binary);
        File.SetUnixFileMode(binary, File.GetUnixFileMode(published));
        return binary;
    }

    /// <summary>
    /// Runs the binary as on a machine without .NET: in a private mount namespace where the SDK's directory (the one
    /// running these tests) is an empty tmpfs, with DOTNET_ROOT pointing nowhere. <paramref name="traceLibraries"/>
    /// sets LD_DEBUG=libs for the binary alone (not for unshare and sh before it), so the loader reports on stderr every
    /// library it looks for, dlopen included; only for commands that start no child (rsync would inherit it).
    /// </summary>
    private static Task<ProcessResult> RunWithoutDotnetAsync(string binary, IEnumerable<string> args, bool traceLibraries = false)
    {
        var dotnetDir = Path.GetDirectoryName(DotnetExecutable())!;
        const string HideDotnet = "mount -t tmpfs tmpfs \"$1\" && test ! -e \"$1/dotnet\" && shift && exec env \"$@\"";
        return TestProcess.RunAsync(
            "unshare",
            ["--mount", "--propagation", "private", "--", "sh", "-c", HideDotnet, "sh", dotnetDir, traceLibraries ? "LD_DEBUG=libs" : "LD_DEBUG=", binary, .. args],
            TimeSpan.FromMinutes(1),
            new Dictionary<string, string?> { ["DOTNET_ROOT"] = "/nonexistent", ["DOTNET_HOST_PATH"] = null });
    }

    private static string DotnetExecutable()
    {
        var dotnet = Path.IsPathRooted(SyncwardenCli.DotnetPath)
            ? SyncwardenCli.DotnetPath
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, "dotnet")).First(File.Exists);
        return new FileInfo(dotnet).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dotnet;
    }

    /// <summary>File names of the libraries the loader searched for or initialised, from LD_DEBUG=libs output on stderr.</summary>
    private static IEnumerable<string> LoadedLibraries(ProcessResult result)
    {
        var names = LoaderTrace().Matches(result.StandardError).Select(m => Path.GetFileName(m.Groups["name"].Value)).Distinct().ToList();
        names.Should().Contain("libc.so.6", "LD_DEBUG output is expected on stderr:\n" + result.StandardError);
        return names;
    }

    [GeneratedRegex(@"(?:find library=(?<name>\S+) |calling init: (?<name>\S+))")]
    private static partial Regex LoaderTrace();
}
