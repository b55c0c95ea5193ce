/*
 * EgressKit's JavaScript bootstrap. It runs once in every new engine, before the policy, and
 * evaluates to a function that Java calls with the engine's global object and the Java bridge.
 *
 * It installs the frozen, read-only `kumo` object and removes every global that reaches outside
 * the sandbox. The bridge and the engine's original `load` are captured in this closure only:
 * a policy reaches them solely through the `kumo` functions and the restricted `load` below.
 *
 * Bridge functions never throw for a mistake in the policy. They return bridge.FAILED and
 * bridge.failure() describes the failure; it is raised here as a plain `Error` whose message
 * names the policy's own file and line. A hidden, non-enumerable `__kumo_failure__` property
 * lets Java find the original failure (its location and cause) even if a policy catches the
 * error and throws it again.
 *
 * It also installs the two functions the deadline checks call (DeadlineChecks.java puts the
 * calls into every loop, function, catch and finally of the policy): `tick` asks the Java clock
 * only every 256th time, `late` every time. Both throw once the handler's deadline has passed.
 * `eval` and the `Function` constructor are refused: code made at run time would carry no
 * checks.
 *
 * One regular-expression match runs inside Java, where no check placed in the script can reach
 * it: every function that matches (RegExp.prototype.exec and test, String.prototype.match,
 * search, replace and split) first hands its RegExp to `guardRegExp` (RegExpGuard.java), which
 * makes it match on an engine that checks the deadline itself.
 */
(function (global, bridge, deadline, installLibrary, guardRegExp) {
  'use strict';

  var FAILED = bridge.FAILED;
  var failure = bridge.failure;
  var ErrorType = Error;
  var defineProperty = Object.defineProperty;
  var createObject = Object.create;
  var freeze = Object.freeze;
  var parse = JSON.parse;
  var stringify = JSON.stringify;
  var nativeLoad = global.load;

  // Fail closed: an engine where any of these is still reachable is never used.
  var mustBeAbsent = ['Java', 'Packages', 'java', 'javax', 'javafx', 'jdk', 'com', 'org', 'edu',
      'net', 'JavaImporter', 'JavaAdapter', '$ENV', '$EXEC', '$ARG', '$OPTIONS', 'readFully',
      'readLine'];
  var toRemove = ['exit', 'quit', 'load', 'loadWithNewGlobal', '__noSuchProperty__'];
  for (var i = 0; i < toRemove.length; i++) {
    delete global[toRemove[i]];
    mustBeAbsent.push(toRemove[i]);
  }
  for (var j = 0; j < mustBeAbsent.length; j++) {
    if (mustBeAbsent[j] in global) {
      throw new ErrorType('sandbox: the global ' + mustBeAbsent[j] + ' could not be removed');
    }
  }
  if (typeof nativeLoad !== 'function') {
    throw new ErrorType('sandbox: the engine has no load function to restrict');
  }

  function raise() {
    var f = failure();
    var error = new ErrorType(f.message);
    // A descriptor without a prototype: a policy that adds `get` to Object.prototype must not
    // turn its own kumo errors into "Invalid property descriptor".
    var descriptor = createObject(null);
    descriptor.value = f.id;
    defineProperty(error, '__kumo_failure__', descriptor);
    throw error;
  }

  function checked(result) {
    if (result === FAILED) {
      raise();
    }
    return result;
  }

  var on = bridge.on;
  var makeSource = bridge.make_egress_source;
  var makePool = bridge.make_egress_pool;
  var defineSource = bridge.define_egress_source;
  var invokeSource = bridge.invoke_get_egress_source;
  var invokePool = bridge.invoke_get_egress_pool;
  var loadScript = bridge.load;

  var kumo = {
    on: function (event, handler) {
      checked(on(event, handler));
    },
    make_egress_source: function (spec) {
      return checked(makeSource(spec));
    },
    make_egress_pool: function (spec) {
      return checked(makePool(spec));
    },
    define_egress_source: function (spec) {
      checked(defineSource(spec));
    },
    invoke_get_egress_source: function (name) {
      return parse(checked(invokeSource(name)));
    },
    invoke_get_egress_pool: function (name) {
      return parse(checked(invokePool(name)));
    }
  };
  // The rest of KumoMTA's kumo API (kumo-library.js).
  installLibrary(kumo, bridge, parse, stringify, checked, ErrorType, freeze, defineProperty);

  var budget = 0;
  function tick() {
    if (--budget < 0) {
      budget = 255;
      deadline();
    }
  }
  function late() {
    deadline();
  }
  defineProperty(global, '__egresskit_tick__', {
    value: tick, writable: false, enumerable: false, configurable: false
  });
  defineProperty(global, '__egresskit_late__', {
    value: late, writable: false, enumerable: false, configurable: false
  });

  // Code made from text at run time would run without deadline checks: refuse it, keeping
  // `f instanceof Function` and Function.prototype working.
  var TypeErrorType = TypeError;
  var functionPrototype = Function.prototype;
  function refused(what) {
    return function () {
      throw new TypeErrorType(what + ' is not available in EgressKit policies (code made from'
          + ' text at run time would escape the handler deadline)');
    };
  }
  var NoFunction = refused('the Function constructor');
  NoFunction.prototype = functionPrototype;
  defineProperty(functionPrototype, 'constructor', {
    value: NoFunction, writable: false, enumerable: false, configurable: false
  });
  defineProperty(global, 'Function', {
    value: NoFunction, writable: false, enumerable: false, configurable: false
  });
  defineProperty(global, 'eval', {
    value: refused('eval'), writable: false, enumerable: false, configurable: false
  });

  // Built-ins that loop over an array's length in Java (a sparse `new Array(2 ** 32 - 1)` costs
  // nothing to make) or build a string in one step cannot be stopped by the deadline checks:
  // bound their size instead, as Lua's string.rep is bounded.
  var MAX_ELEMENTS = 16777216;
  var RangeErrorType = RangeError;
  var applyFunction = Function.prototype.call.bind(Function.prototype.apply);
  var keysOf = Object.keys;
  var isArray = Array.isArray;
  function tooLong(what, length, unit) {
    return new RangeErrorType(what + ': ' + length + ' ' + unit + ' is over EgressKit\'s limit of '
        + MAX_ELEMENTS + ' (allowed: at most ' + MAX_ELEMENTS + ' ' + unit + ')');
  }
  function checkLength(what, value) {
    var length = value == null ? 0 : +value.length;
    if (length > MAX_ELEMENTS) {
      throw tooLong(what, length, 'elements');
    }
  }
  // The built-ins replaced here and below are writable, configurable and not enumerable: an
  // assignment keeps those attributes, where Object.defineProperty would copy the prototype's
  // whole property map twice per name (most of what wrapping them cost per engine).
  function bounded(holder, holderName, name, checkArguments) {
    var original = holder[name];
    if (typeof original !== 'function') {
      return;
    }
    holder[name] = function () {
      checkLength(holderName + '.' + name, this);
      if (checkArguments) {
        for (var a = 0; a < arguments.length; a++) {
          checkLength(holderName + '.' + name, arguments[a]);
        }
      }
      return applyFunction(original, this, arguments);
    };
  }
  var arrayMethods = ['join', 'toString', 'toLocaleString', 'indexOf', 'lastIndexOf', 'includes',
      'forEach', 'map', 'filter', 'some', 'every', 'reduce', 'reduceRight', 'find', 'findIndex',
      'reverse', 'sort', 'slice', 'splice', 'shift', 'unshift', 'fill', 'copyWithin'];
  for (var m = 0; m < arrayMethods.length; m++) {
    bounded(Array.prototype, 'Array.prototype', arrayMethods[m], false);
  }
  bounded(Array.prototype, 'Array.prototype', 'concat', true);
  // Nashorn (ES6 mode) has no String.prototype.repeat: EgressKit's follows ES2015 21.1.3.13,
  // bounded like the rest (at most 25 doublings, each checked against the limit first).
  defineProperty(String.prototype, 'repeat', {
    value: function repeat(count) {
      if (this === null || this === undefined) {
        throw new TypeErrorType('String.prototype.repeat called on ' + this);
      }
      var text = String(this);
      var n = Math.floor(+count) || 0;
      if (n < 0 || n === Infinity) {
        throw new RangeErrorType('Invalid count value: ' + count);
      }
      var length = text.length * n;
      if (length > MAX_ELEMENTS) {
        throw tooLong('String.prototype.repeat', length, 'characters');
      }
      var out = '';
      while (n > 0) {
        if (n % 2 === 1) {
          out += text;
        }
        n = Math.floor(n / 2);
        if (n > 0) {
          text += text;
        }
      }
      return out;
    },
    writable: true, enumerable: false, configurable: true
  });
  var stringify = JSON.stringify;
  function checkTree(value, depth) {
    if (value === null || typeof value !== 'object' || depth > 256) {
      return;
    }
    if (isArray(value)) {
      checkLength('JSON.stringify', value);
    }
    var keys = keysOf(value);
    for (var k = 0; k < keys.length; k++) {
      checkTree(value[keys[k]], depth + 1);
    }
  }
  JSON.stringify = function (value) {
    checkTree(value, 0);
    return applyFunction(stringify, JSON, arguments);
  };

  // Regular expressions: the originals are captured here, before any policy code runs, and
  // called only through invokers bound now (a policy that replaces Function.prototype.call
  // never sees them, so it cannot match with an unguarded RegExp later).
  var nativeCall = Function.prototype.call;
  function guarded(holder, name, makeWrapper) {
    var original = holder[name];
    var call = nativeCall.bind(original);
    // Each wrapper is a function expression with the built-in's name.
    holder[name] = makeWrapper(call);
  }
  var RegExpPrototype = RegExp.prototype;
  var StringPrototype = String.prototype;
  guarded(RegExpPrototype, 'exec', function (call) {
    return function exec(string) {
      return call(guardRegExp(this, 'keep'), string);
    };
  });
  guarded(RegExpPrototype, 'test', function (call) {
    return function test(string) {
      return call(guardRegExp(this, 'keep'), string);
    };
  });
  guarded(StringPrototype, 'match', function (call) {
    return function match(regexp) {
      return call(this, guardRegExp(regexp === undefined ? '' : regexp));
    };
  });
  guarded(StringPrototype, 'search', function (call) {
    return function search(regexp) {
      return call(this, guardRegExp(regexp === undefined ? '' : regexp));
    };
  });
  guarded(StringPrototype, 'replace', function (call) {
    return function replace(searchValue, replaceValue) {
      var pattern = searchValue !== null && typeof searchValue === 'object' ? searchValue
          : String(searchValue);
      return call(this, guardRegExp(pattern, 'flat'), replaceValue);
    };
  });
  guarded(StringPrototype, 'split', function (call) {
    return function split(separator, limit) {
      return call(this, guardRegExp(separator, 'keep'), limit);
    };
  });

  defineProperty(global, 'kumo', {
    value: freeze(kumo), writable: false, enumerable: false, configurable: false
  });

  // load(path) runs another script from the policy folder, and nothing else: no URLs, no
  // nashorn: or classpath: scripts, no files outside the folder. Java reads the file.
  defineProperty(global, 'load', {
    value: function load(path) {
      var script = checked(loadScript(path));
      return nativeLoad({ name: script.name, script: script.text });
    },
    writable: false, enumerable: false, configurable: false
  });
})
