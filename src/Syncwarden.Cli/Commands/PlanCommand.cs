using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Syncwarden.Configuration;
using System.Text.Json;
using Syncwarden.Cli.Output;
using Syncwarden.History;
using Syncwarden.Rsync;
using Syncwarden.Runs;

namespace Syncwarden.Cli.Commands;

internal static class PlanCommand
{
    public static Command Create()
    {
        var jobArg = new Argument<string>("job") { Description = "The job to preview" };
        var all = new Option<bool>("--all") { Description = "List every path, not only the first ones" };
        var limit = new Option<int>("--limit") { Description = "How many paths of each kind to list", DefaultValueFactory = _ => 10 };
        var command = new Command("plan", "Show what a run of JOB would create, update and delete, changing nothing");
        command.Arguments.Add(jobArg);
        command.Options.Add(all);
        command.Options.Add(limit);
        command.Options.Add(CliApp.JsonOption);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = CliContext.LoadConfig(parse);
            var job = JobArguments.Select(config, [parse.GetValue(jobArg)!])[0];
            var max = parse.GetValue(all) ? int.MaxValue : Math.Max(0, parse.GetValue(limit));
            await using var services = CliServices.Build(config, ConfigLoader.ResolvePath(parse.GetValue(CliApp.ConfigOption)), new StderrLine(Console.Error));
            // One more item than shown per kind tells whether the list was cut.
            var previews = await services.GetRequiredService<JobRunner>().PlanAsync(job, max == int.MaxValue ? max : max + 1, cancellationToken).ConfigureAwait(false);

            var plan = new PlanJson(job.Name, [.. previews.Select(p => ToJson(p, max))]);
            if (parse.GetValue(CliApp.JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(plan, CliJson.Readable.PlanJson));
            }
            else
            {
                Print(plan);
            }
            return previews.Any(p => p.Error is not null) ? CliApp.Failed : CliApp.Ok;
        });
        return command;
    }

    private static PlanSyncJson ToJson(SyncPreview p, int max)
    {
        var items = new List<PlanItemJson>();
        var truncated = false;
        foreach (var kind in new[] { ChangeKind.Create, ChangeKind.Update, ChangeKind.Delete })
        {
            var ofKind = p.Of(kind).ToList();
            truncated |= p.Count(kind) > max;
            items.AddRange(ofKind.Take(max).Select(c => new PlanItemJson(kind.ToString().ToLowerInvariant(), c.IsDirectory ? c.Path + "/" : c.Path, c.IsDirectory ? 0 : c.Size)));
        }
        return new PlanSyncJson(p.Source, p.Destination, p.Error,
            p.Count(ChangeKind.Create), p.Bytes(ChangeKind.Create), p.Count(ChangeKind.Update), p.Bytes(ChangeKind.Update),
            p.Count(ChangeKind.Delete), p.Count(ChangeKind.Attributes), items, truncated);
    }

    private static void Print(PlanJson plan)
    {
        Console.WriteLine($"Plan for job '{plan.Job}' (nothing has been changed):");
        foreach (var s in plan.Syncs)
        {
            Console.WriteLine();
            Console.WriteLine($"{s.Source} -> {s.Destination}");
            if (s.Error is { } error)
            {
                Console.WriteLine($"  error: {error}");
                continue;
            }
            Console.WriteLine($"  create {s.CreateCount} ({Format.Bytes(s.CreateBytes)}), update {s.UpdateCount} ({Format.Bytes(s.UpdateBytes)}), delete {s.DeleteCount}, attributes only {s.AttributeCount}");
            foreach (var group in s.Items.GroupBy(i => i.Kind))
            {
                foreach (var item in group)
                {
                    Console.WriteLine($"  {group.Key,-7} {item.Path}" + (item.Kind == "delete" || item.Path.EndsWith('/') ? "" : $" ({Format.Bytes(item.Size)})"));
                }
            }
            if (s.Truncated)
            {
                Console.WriteLine("  ... (more; use --all or --limit N to list them)");
            }
        }
    }
}
