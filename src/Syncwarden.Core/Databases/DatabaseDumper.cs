using System.Globalization;
using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Rsync;
using Syncwarden.Runs;

namespace Syncwarden.Databases;

/// <summary>What one dump did: its error (null on success), and whether it was stopped by the run's cancel.</summary>
internal sealed record DumpOutcome(string? Error, bool Cancelled, long Bytes)
{
    public bool Succeeded => Error is null && !Cancelled;
}

/// <summary>
/// Takes one database dump into the dump-dir: written to a hidden temporary name (mode 600) and renamed over the
/// previous dump only once the dump program succeeded and the file is on disk, so a failed, stopped or killed dump
/// never replaces the last good one. The password travels in a private file that is deleted when the dump ends.
/// </summary>
internal sealed class DatabaseDumper(ProcessRunner runner, TimeProvider time)
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDir = Private | UnixFileMode.UserExecute;

    /// <summary>The temporary name a dump is written under; hidden, and removed again before the next dump.</summary>
    public static string PartialPath(string dumpDir, DatabaseDump dump) => Path.Combine(dumpDir, "." + dump.FileName + ".partial");

    /// <summary>Where the password files of a job's dumps live while a dump runs (state-dir/dump-secrets, mode 700).</summary>
    public static string SecretsDir(SyncwardenConfig config) => Path.Combine(config.StateDir, "dump-secrets");

    /// <summary>Removes password files a killed run of <paramref name="job"/> left behind.</summary>
    public static void RemoveLeftoverSecrets(SyncwardenConfig config, string job)
    {
        var dir = SecretsDir(config);
        if (!Directory.Exists(dir))
        {
            return;
        }
        foreach (var file in Directory.EnumerateFiles(dir, job + ".*"))
        {
            File.Delete(file);
        }
    }

    public async Task<DumpOutcome> DumpAsync(SyncwardenConfig config, JobConfig job, DatabaseDump dump, string label, RunLog log, CancellationToken cancellationToken)
    {
        var dumpDir = job.DumpDir ?? throw new InvalidOperationException($"job '{job.Name}' has databases but no dump-dir");
        var final = Path.Combine(dumpDir, dump.FileName);
        var partial = PartialPath(dumpDir, dump);
        string? secret = null;
        try
        {
            if (!Directory.Exists(dumpDir))
            {
                Directory.CreateDirectory(dumpDir, PrivateDir);
            }
            File.Delete(partial);
            // Created private before the dump program opens it (it truncates, keeping the mode): the dump is the database's data.
            await using (new FileStream(partial, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = Private }).ConfigureAwait(false))
            {
            }
            if (dump.Password is { } password)
            {
                secret = await WriteSecretAsync(config, job, dump, password, cancellationToken).ConfigureAwait(false);
            }
            var spec = DumpCommand.Build(dump, partial, secret);
            var outcome = await RunAsync(spec, dump, label, log, cancellationToken).ConfigureAwait(false);
            if (!outcome.Succeeded)
            {
                return outcome;
            }
            // On disk before it replaces the previous dump: a crash right after the rename must not leave an empty file.
            await using (var stream = new FileStream(partial, FileMode.Open, FileAccess.ReadWrite))
            {
                stream.Flush(flushToDisk: true);
            }
            var bytes = new FileInfo(partial).Length;
            File.Move(partial, final, overwrite: true);
            log.Note($"{label}: wrote {final} ({ByteSize.Format(bytes)})");
            return outcome with { Bytes = bytes };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new DumpOutcome($"cannot write the dump in {dumpDir}: {ex.Message}", false, 0);
        }
        catch (ProcessStartException ex)
        {
            var package = dump.Type == DatabaseType.Postgresql ? "postgresql-client" : "mariadb-client (or mysql-client)";
            return new DumpOutcome($"{ex.Message}; install {package}", false, 0);
        }
        finally
        {
            Delete(secret, log);
            if (File.Exists(partial))
            {
                Delete(partial, log);
            }
        }
    }

    private async Task<DumpOutcome> RunAsync(ProcessSpec spec, DatabaseDump dump, string label, RunLog log, CancellationToken cancellationToken)
    {
        log.Note($"{label}: {spec.Display}");
        // The reason is the first line that says "error" (pg_dump adds lines after it, such as where the password came
        // from), else the last line.
        string? firstError = null, lastError = null;
        var stderr = new RsyncLineSplitter((string line, bool _) =>
        {
            if (line.Trim().Length > 0)
            {
                lastError = line.Trim();
                if (firstError is null && lastError.Contains("error", StringComparison.OrdinalIgnoreCase))
                {
                    firstError = lastError;
                }
                log.Output($"[{label}] {line}");
            }
        });
        var stdout = new RsyncLineSplitter((string line, bool _) => { if (line.Trim().Length > 0) { log.Output($"[{label}] {line}"); } });
        using var timeout = new CancellationTokenSource(dump.Timeout, time);
        // One token per dump: the run's (cancel, job timeout) and the dump's own timeout.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var result = await runner.RunAsync(spec, c => { lock (stdout) { stdout.Feed(c); } }, c => { lock (stderr) { stderr.Feed(c); } }, linked.Token).ConfigureAwait(false);
        stdout.Flush();
        stderr.Flush();
        var timedOut = result.Cancelled && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
        log.Note($"{label}: {spec.FileName} (pid {result.ProcessId}) exited with {result.ExitCode.ToString(CultureInfo.InvariantCulture)} after {result.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s"
            + (timedOut ? $", stopped after its timeout of {DurationParser.Format(dump.Timeout)}" : result.Cancelled ? ", stopped because the run was cancelled" : ""));
        if (result.Cancelled && !timedOut)
        {
            return new DumpOutcome(null, true, 0);
        }
        if (timedOut)
        {
            return new DumpOutcome($"{spec.FileName} did not finish within {DurationParser.Format(dump.Timeout)} and was stopped", false, 0);
        }
        return result.ExitCode == 0
            ? new DumpOutcome(null, false, 0)
            : new DumpOutcome($"{spec.FileName} exited with {result.ExitCode.ToString(CultureInfo.InvariantCulture)}" + ((firstError ?? lastError) is { } e ? ": " + e : ""), false, 0);
    }

    private static async Task<string> WriteSecretAsync(SyncwardenConfig config, JobConfig job, DatabaseDump dump, Secret password, CancellationToken cancellationToken)
    {
        var dir = SecretsDir(config);
        Directory.CreateDirectory(dir, PrivateDir);
        var path = Path.Combine(dir, $"{job.Name}.{Guid.NewGuid():N}");
        var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = Private });
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(DumpCommand.SecretFileBytes(dump.Type, password.Reveal()), cancellationToken).ConfigureAwait(false);
        }
        return path;
    }

    private static void Delete(string? path, RunLog log)
    {
        if (path is null)
        {
            return;
        }
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Note($"could not remove {path}: {ex.Message}");
        }
    }
}
