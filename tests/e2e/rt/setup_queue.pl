#!/usr/bin/perl
# A queue of its own for one test run, on the RT the importer's tests start: the team's
# engineers may own its tickets, and it has the custom fields the import maps.
# Usage: setup_queue.pl QUEUE LOGIN:EMAIL:NAME ...
use strict; use warnings;
use lib '/usr/share/request-tracker5/lib';
use RT -init;
my ($qname, @people) = @ARGV;
my $q = RT::Queue->new(RT->SystemUser);
my ($ok, $msg) = $q->Create(Name => $qname);
die "queue $qname: $msg" unless $ok;
my $staff = RT::Group->new(RT->SystemUser); $staff->LoadSystemInternalGroup('Privileged');
for my $right (qw(OwnTicket ShowTicket ReplyToTicket CommentOnTicket ModifyTicket SeeQueue)) {
    $staff->PrincipalObj->GrantRight(Right => $right, Object => $q);
}
for my $person (@people) {
    my ($login, $email, $name) = split /:/, $person;
    my $user = RT::User->new(RT->SystemUser);
    $user->Load($login);
    $user->Create(Name => $login, EmailAddress => $email, RealName => $name, Privileged => 1)
        unless $user->id;
}
for my $name ('Drop-dead date', 'Acceptance criteria') {
    my $cf = RT::CustomField->new(RT->SystemUser);
    $cf->LoadByName(Name => $name, LookupType => 'RT::Queue-RT::Ticket');
    unless ($cf->id) {
        ($ok, $msg) = $cf->Create(
            Name => $name, Type => 'Freeform',
            MaxValues => ($name eq 'Acceptance criteria' ? 0 : 1),
            LookupType => 'RT::Queue-RT::Ticket',
        );
        die "custom field $name: $msg" unless $ok;
    }
    $cf->AddToObject($q);
}
print "ok\n";
