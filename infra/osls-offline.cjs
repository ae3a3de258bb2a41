// Preloaded into `osls package` (NODE_OPTIONS=--require) so that packaging needs no AWS account.
//
// With a `layers:` section, osls asks CloudFormation for the deployed stack's outputs to skip
// re-uploading an unchanged layer, and fails without credentials and network. Offline there is
// no deployed stack to compare with, so this answers DescribeStacks exactly as CloudFormation
// does for a stack that does not exist; osls then packages the layer as new. Any other
// CloudFormation call fails loudly. `osls deploy` does not load this file and talks to AWS.
'use strict';

const path = require('path');

// NODE_OPTIONS reaches every node process (npx too): act in osls only.
if (/osls/.test(process.argv[1] || '')) {
  const oslsDir = path.dirname(require.resolve('osls/package.json', { paths: [process.cwd()] }));
  const {
    CloudFormationClient,
    CloudFormationServiceException,
  } = require(require.resolve('@aws-sdk/client-cloudformation', { paths: [oslsDir] }));

  CloudFormationClient.prototype.send = async function send(command) {
    const name = command && command.constructor && command.constructor.name;
    if (name === 'DescribeStacksCommand') {
      throw new CloudFormationServiceException({
        name: 'ValidationError',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: `Stack with id ${command.input.StackName} does not exist`,
      });
    }
    throw new Error(`offline packaging: unexpected CloudFormation call ${name}`);
  };
}
