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

    [Fact]
    public async Task Published_binary_fills_its_start_up_data_without_a_page_fault_per_page()
    {
        // Arrange: the size of the zero-filled (bss) part of the writable segment, from binutils' readelf. The runtime
        // writes several MiB of the program's data there at start; faulted in page by page that was about half of the
        // start-up time (bench/RESULTS.md). Native/prefault.c asks for huge pages there and has the kernel fill it in
        // one call before main(). The kernel counts a fill as one fault per page it maps, so with huge pages the count
        // drops below the number of 4 KiB pages (without the constructor it is that number plus the rest of start-up).
        var hugePages = File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled").Trim();
        var published = await PublishedBinary.GetAsync();
        var headers = await TestProcess.RunAsync("readelf", ["-lW", published]);
        headers.ExitCode.Should().Be(0, headers.ToString());
        var bssPages = headers.StandardOutput.Split('\n')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 7 && fields[0] == "LOAD" && fields[6].Contains('W'))
            .Sum(fields => (Convert.ToInt64(fields[5], 16) - Convert.ToInt64(fields[4], 16)) / 4096);

        // Act: the constructor's two calls, as strace sees them, and the minor faults of finished children as their
        // parent shell's /proc stat counts them (cminflt, field 11 of proc(5)), after /bin/true and after the binary:
        // the difference is the binary's own, without the fork.
        var trace = await TestProcess.RunAsync("strace", ["-e", "trace=madvise", published, "--version"]);
        const string CountChildFaults =
            "/bin/true; read -r a < /proc/$$/stat; \"$0\" --version >/dev/null || exit 1; read -r b < /proc/$$/stat; printf '%s\\n' \"$a\" \"$b\"";
        var run = await TestProcess.RunAsync("bash", ["-c", CountChildFaults, published]);

        // Assert
        bssPages.Should().BeGreaterThan(1000, "the runtime's data alone is several MiB:\n" + headers.StandardOutput);
        trace.ExitCode.Should().Be(0, trace.ToString());
        var calls = MadviseCall().Matches(trace.StandardError).ToList();
        calls.Should().HaveCountGreaterThanOrEqualTo(2, trace.StandardError);
        (calls[0].Groups["advice"].Value, calls[1].Groups["advice"].Value).Should().Be(("MADV_HUGEPAGE", "MADV_POPULATE_WRITE"), "the constructor runs before the runtime's own calls");
        calls[1].Groups["result"].Value.Should().Be("0", "Linux 5.14 and later fill the range in one call");
        (long.Parse(calls[1].Groups["length"].Value, System.Globalization.CultureInfo.InvariantCulture) / 4096).Should().BeGreaterThanOrEqualTo(bssPages);
        run.ExitCode.Should().Be(0, run.ToString());
        var counts = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(stat => long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[8], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        var childFaults = counts[1] - counts[0];
        if (!hugePages.Contains("[never]", StringComparison.Ordinal))
        {
            // With huge pages the kernel counts one fault per 2 MiB page it fills, so the total drops below one per
            // 4 KiB page of the segment (with THP off it counts each small page it fills: the strace check above holds).
            childFaults.Should().BeLessThan(bssPages, $"one fault per 4 KiB page would be at least {bssPages} (transparent huge pages: {hugePages})");
        }
    }

    [Fact]
    public async Task Published_daemon_gives_back_the_compressed_start_up_data_it_no_longer_reads()
    {
        // Arrange: where .rodata lies in the file, from binutils' readelf. The compiler keeps the program's data there,
        // compressed (about 3 MiB); the runtime decodes it once, before main(), and never reads it again.
        // Native/prefault.c's syncwarden_release_startup_data(), called first thing in Main, drops its pages from the
        // process. A long-running daemon would otherwise keep them resident for its whole life.
        var published = await PublishedBinary.GetAsync();
        var sections = await TestProcess.RunAsync("readelf", ["-SW", published]);
        sections.ExitCode.Should().Be(0, sections.ToString());
        var rodata = sections.StandardOutput.Split('\n')
            .Select(line => line[(line.IndexOf(']', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Single(fields => fields.Length >= 5 && fields[0] == ".rodata");
        var rodataOffset = Convert.ToInt64(rodata[3], 16);
        using var dir = new TempDir("published-daemon");
        var config = new TestConfig(dir).Job("later", $$"""
            direction: local
            schedule: "0 0 1 1 *"
            catch-up: false
            syncs: [ { source: {{TestConfig.Q(dir.CreateSubdirectory("src"))}}, destination: {{TestConfig.Q(dir.Combine("dst"))}} } ]
            """);
        config.Write();

        // Act: the release as strace sees it, then the idle daemon's own pages of .rodata (its smaps entry).
        var trace = await TestProcess.RunAsync("strace", ["-e", "trace=madvise", published, "--version"]);
        await using var daemon = TestProcess.Start(published, ["-c", config.ConfigPath, "daemon"]);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!daemon.StandardErrorSoFar.Contains("daemon started", StringComparison.Ordinal) && !daemon.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var (size, resident) = ReadOnlyMappingAt(daemon.ProcessId, rodataOffset);
        await daemon.TerminateAsync();
        var stopped = await daemon.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        trace.ExitCode.Should().Be(0, trace.ToString());
        var released = MadviseCall().Matches(trace.StandardError).Where(call => call.Groups["advice"].Value == "MADV_DONTNEED").ToList();
        released.Should().ContainSingle(trace.StandardError).Which.Groups["result"].Value.Should().Be("0");
        var releasedBytes = long.Parse(released[0].Groups["length"].Value, System.Globalization.CultureInfo.InvariantCulture);
        releasedBytes.Should().BeGreaterThan(2L << 20, "the compressed data is several MiB");
        stopped.ExitCode.Should().Be(0, stopped.ToString());
        stopped.StandardError.Should().Contain("daemon started");
        // Without the release the daemon has nearly all of .rodata resident: the runtime read the blob in full.
        resident.Should().BeLessThanOrEqualTo(size - releasedBytes + (256L << 10), $"{releasedBytes} bytes of the {size} mapped were released and stay unread");
    }

    /// <summary>Size and resident bytes of the process's read-only mapping of its executable that holds file offset
    /// <paramref name="offset"/>, from /proc/PID/smaps.</summary>
    private static (long Size, long Resident) ReadOnlyMappingAt(int processId, long offset)
    {
        var lines = File.ReadAllLines($"/proc/{processId}/smaps");
        for (var i = 0; i < lines.Length; i++)
        {
            var fields = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[1] != "r--p" || !fields[5].EndsWith("/syncwarden", StringComparison.Ordinal))
            {
                continue;
            }

            var range = fields[0].Split('-').Select(a => Convert.ToInt64(a, 16)).ToArray();
            var start = Convert.ToInt64(fields[2], 16);
            if (offset < start || offset >= start + range[1] - range[0])
            {
                continue;
            }

            var rss = lines.Skip(i + 1).First(line => line.StartsWith("Rss:", StringComparison.Ordinal));
            var kib = long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
            return (range[1] - range[0], kib * 1024);
        }

        throw new InvalidOperationException($"no read-only mapping of the executable at offset {offset:x} in /proc/{processId}/smaps");
    }

    [GeneratedRegex(@"madvise\(0x[0-9a-f]+, (?<length>\d+), (?<advice>MADV_[A-Z_]+)\) = (?<result>-?\d+)")]
    private static partial Regex MadviseCall();

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
