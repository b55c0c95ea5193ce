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
 */
(function (global, bridge, installLibrary) {
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
