using System.Runtime.CompilerServices;
using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>
/// Renders a <see cref="TemplateProgram"/>: a tree-walking interpreter with Jinja2's semantics. One instance serves
/// one render; it holds the output, the scopes, the limit counters and the current location for error messages.
/// </summary>
internal sealed partial class Interpreter
{
    private readonly TemplateProgram _program;
    private StringBuilder _output;
    private int _loopIterations;
    private int _depth;
    private int _offset;

    private Interpreter(TemplateProgram program, ChatTemplateOptions options)
    {
        _program = program;
        Options = options;
        _output = new StringBuilder(1024);
    }

    /// <summary>The limits and clock of this render.</summary>
    public ChatTemplateOptions Options { get; }

    /// <summary>Renders <paramref name="program"/> with <paramref name="variables"/> as the template's globals.</summary>
    /// <exception cref="ChatTemplateException">The template raised, failed, or exceeded a limit.</exception>
    public static string Render(TemplateProgram program, Scope variables, ChatTemplateOptions options)
    {
        var interpreter = new Interpreter(program, options);
        try
        {
            interpreter.ExecuteBody(program.Body, variables);
            return interpreter._output.ToString();
        }
        catch (TemplateError e)
        {
            throw interpreter.RuntimeError(e.Message, e);
        }
        catch (InsufficientExecutionStackException e)
        {
            throw interpreter.RuntimeError("the template nests too deeply", e);
        }
    }

    /// <summary>A runtime failure at the statement being executed.</summary>
    public TemplateRuntimeException RuntimeError(string problem, Exception? inner = null)
    {
        var (line, column) = _program.Source.Locate(_offset);
        return new TemplateRuntimeException(problem, line, column, inner);
    }

    /// <summary>The template's own <c>raise_exception(message)</c>, located at the current statement.</summary>
    public ChatTemplateException Raised(string message)
    {
        var (line, column) = _program.Source.Locate(_offset);
        return new ChatTemplateException(message, line, column);
    }

    /// <summary>Counts one loop iteration against <see cref="ChatTemplateOptions.MaxLoopIterations"/>.</summary>
    public void CountIteration()
    {
        if (++_loopIterations > Options.MaxLoopIterations)
        {
            throw new TemplateError($"the template ran more than {Options.MaxLoopIterations} loop iterations (MaxLoopIterations)");
        }
    }

    /// <summary>Enters a macro call or recursive loop, checking <see cref="ChatTemplateOptions.MaxRecursionDepth"/>.</summary>
    public void Enter()
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (++_depth > Options.MaxRecursionDepth)
        {
            _depth--;
            throw new TemplateError($"the template nested macro calls or recursive loops deeper than {Options.MaxRecursionDepth} (MaxRecursionDepth)");
        }
    }

    /// <summary>Leaves what <see cref="Enter"/> entered.</summary>
    public void Leave() => _depth--;

    private void Write(string text)
    {
        _output.Append(text);
        CheckOutput();
    }

    private void WriteValue(JinjaValue value)
    {
        value.WriteStr(_output);
        CheckOutput();
    }

    private void CheckOutput()
    {
        if (_output.Length > Options.MaxOutputLength)
        {
            throw new TemplateError($"the template produced more than {Options.MaxOutputLength} characters (MaxOutputLength)");
        }
    }

    // Renders body into a fresh buffer (macro bodies, block sets, filter blocks) and returns the text.
    private string Capture(Node[] body, Scope scope, out Flow flow)
    {
        var saved = _output;
        _output = new StringBuilder();
        try
        {
            flow = ExecuteBody(body, scope);
            return _output.ToString();
        }
        finally
        {
            _output = saved;
        }
    }
}
