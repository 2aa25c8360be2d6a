using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Syncwarden.Configuration;
using Syncwarden.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Syncwarden.IntegrationTests.Configuration;

/// <summary>
/// Feeds the configuration loader thousands of broken variants of the documented example configurations. Every
/// case must end in a config or in errors that name the file and a line, with no exception, no stack trace, no
/// runaway output, and no case anywhere near a hang. CI runs a fixed seed and count; set
/// SYNCWARDEN_FUZZ_CASES and SYNCWARDEN_FUZZ_SEED to run it long or from another seed by hand.
/// </summary>
public sealed partial class ConfigFuzzTests(ITestOutputHelper output)
{
    private const string ConfigFile = "/etc/syncwarden/fuzz.yaml";

    // A hang detector, not a speed target: a case takes milliseconds, so two seconds means the loader is stuck.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(2);

    // Whole-file problems have no line of their own.
    private static readonly string[] WholeFileMessages = ["the configuration file is empty", "the configuration file is larger than the 4 MiB limit"];

    [GeneratedRegex(@"```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    [Fact]
    public void Broken_variants_of_the_documented_examples_never_crash_and_always_say_where()
    {
        // Arrange
        var seeds = ExampleConfigs();
        var cases = EnvironmentNumber("SYNCWARDEN_FUZZ_CASES", 4000);
        var seed = EnvironmentNumber("SYNCWARDEN_FUZZ_SEED", 20261201);
        var random = new Random(seed);
        var mutator = new ConfigMutator(random);
        var slowest = TimeSpan.Zero;
        var valid = 0;
        var failures = new List<string>();

        // Act
        for (var i = 0; i < cases && failures.Count < 5; i++)
        {
            var yaml = mutator.Mutate(seeds[random.Next(seeds.Count)]);
            var clock = Stopwatch.StartNew();
            ConfigLoadResult? result = null;
            string? crash = null;
            try
            {
                result = ConfigLoader.Parse(yaml, ConfigFile);
            }
            catch (Exception ex)
            {
                crash = ex.ToString();
            }
            clock.Stop();
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            var problem = crash ?? (clock.Elapsed > HangLimit ? $"took {clock.Elapsed}" : Problem(result!));
            if (problem is not null)
            {
                failures.Add($"case {i} of seed {seed}: {problem}\n--- yaml (first 2000 characters) ---\n{Excerpt(yaml)}");
            }
            valid += result?.IsValid == true ? 1 : 0;
        }
        output.WriteLine($"{cases} cases from {seeds.Count} examples, seed {seed}: {valid} still valid, slowest {slowest.TotalMilliseconds:F0} ms");

        // Assert
        failures.Should().BeEmpty(string.Join("\n\n", failures));
        valid.Should().BeLessThan(cases, "the mutations must break most examples, or they test nothing");
    }

    [Fact]
    public void Random_bytes_read_from_a_file_never_crash_and_always_say_where()
    {
        // Arrange: raw bytes, not text, so invalid UTF-8 and stray BOMs reach the decoder too.
        var seeds = ExampleConfigs();
        var cases = EnvironmentNumber("SYNCWARDEN_FUZZ_CASES", 4000) / 10;
        var random = new Random(EnvironmentNumber("SYNCWARDEN_FUZZ_SEED", 20261201));
        var dir = Directory.CreateTempSubdirectory("syncwarden-fuzz-").FullName;
        var path = Path.Combine(dir, "syncwarden.yaml");
        var failures = new List<string>();
        try
        {
            // Act
            for (var i = 0; i < cases && failures.Count < 5; i++)
            {
                var bytes = Encoding.UTF8.GetBytes(seeds[random.Next(seeds.Count)]).ToList();
                for (var n = random.Next(1, 20); n > 0; n--)
                {
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                }
                File.WriteAllBytes(path, [.. bytes]);
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                try
                {
                    if (Problem(ConfigLoader.Load(path), path) is { } problem)
                    {
                        failures.Add($"case {i}: {problem}\n--- bytes (base64) ---\n{Convert.ToBase64String([.. bytes])}");
                    }
                }
                catch (Exception ex)
                {
                    failures.Add($"case {i}: {ex}\n--- bytes (base64) ---\n{Convert.ToBase64String([.. bytes])}");
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        // Assert
        failures.Should().BeEmpty(string.Join("\n\n", failures));
    }

    [Fact]
    public void The_examples_themselves_are_valid_or_fail_only_on_their_placeholders()
    {
        // The seeds must be real configurations, or the mutations start from noise.
        var seeds = ExampleConfigs();
        seeds.Count.Should().BeGreaterThanOrEqualTo(5);
        seeds.Count(s => ConfigLoader.Parse(s, ConfigFile).IsValid).Should().BeGreaterThanOrEqualTo(3);
    }

    /// <summary>What is wrong with a load result, or null. Errors must name the file and a line, and read as messages.</summary>
    private static string? Problem(ConfigLoadResult result, string file = ConfigFile)
    {
        if (result.IsValid != (result.Errors.Count == 0) || (result.Config is null) == result.IsValid)
        {
            return "a config and errors disagree";
        }
        foreach (var error in result.Errors)
        {
            var text = error.ToString();
            if (error.File != file)
            {
                return $"error names another file: {text}";
            }
            if ((error.Line < 1 || error.Column < 1) && !WholeFileMessages.Contains(error.Message))
            {
                return $"error has no line and column: {text}";
            }
            if (text.Contains("Exception", StringComparison.Ordinal) || text.Contains("   at ", StringComparison.Ordinal))
            {
                return $"error reads like a stack trace: {text}";
            }
            if (text.Length > 2000)
            {
                return $"error is {text.Length} characters long: {text[..200]}";
            }
        }
        return null;
    }

    private static List<string> ExampleConfigs()
    {
        var texts = new[] { "docs/configuration.md", "README.md" }
            .Select(f => File.ReadAllText(RepoPaths.Combine(f)))
            .SelectMany(md => YamlBlock().Matches(md).Select(m => m.Groups[1].Value))
            .Append(File.ReadAllText(RepoPaths.Combine("src", "Syncwarden.Cli", "Demo", "demo.yaml")))
            .ToList();
        return texts;
    }

    private static int EnvironmentNumber(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    private static string Excerpt(string yaml) => yaml.Length <= 2000 ? yaml : yaml[..2000];
}
