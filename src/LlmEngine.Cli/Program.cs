using System.CommandLine;
using LlmEngine.Cli.Commands;
using LlmEngine.Cli.DemoModel;
using LlmEngine.Models;
using LlmEngine.Models.Hub;

var root = new RootCommand("llmengine: run, inspect and serve LLMs from .NET (GGUF and Hugging Face models).")
{
    BenchCommand.Create(),
    GenerateCommand.Create(),
    InspectCommand.Create(),
    SynthCommand.Create(),
    ServeCommand.Create(),
};
var license = new Command("license", "Print the licence of the built-in demo model.");
license.SetAction(_ => Console.Out.Write(BuiltInModel.GetLicense()));
root.Subcommands.Add(license);

try
{
    // On Ctrl+C or SIGTERM the commands are cancelled and end promptly, except serve, which drains running requests
    // for up to its --shutdown-timeout: give it that time instead of System.CommandLine's default two seconds.
    var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromMinutes(10) };
    return await root.Parse(args).InvokeAsync(invocation);
}
catch (ModelLoadException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}
catch (HubException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}
catch (ArgumentException e)
{
    // Out-of-range options (a sampling parameter, a prompt longer than the context) are the user's to fix, not a crash.
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}
